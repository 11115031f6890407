using System.Globalization;
using Fjord.Testing;

namespace Fjord.Broker.Tests.Protocol;

/// <summary>
/// One broker shared by the consumer-group protocol tests of a class. Groups complete their
/// first join at once (no initial rebalance delay) and accept short session timeouts, so a
/// test drives a whole generation in milliseconds; each test case uses its own group ids.
/// </summary>
public sealed class GroupApiBrokerFixture(AzuriteFixture azurite) : FjordTestClusterFixture
{
    public const int MinSessionTimeoutMs = 1000;
    public const int MaxSessionTimeoutMs = 300_000;
    public const int OffsetMetadataMaxBytes = 4096;

    /// <summary>As in <see cref="ProtocolBrokerFixture"/>: small enough to send a frame just over it cheaply.</summary>
    public const int SocketRequestMaxBytes = 4 * 1024 * 1024;

    protected override FjordTestClusterOptions Options => new()
    {
        Azurite = azurite.Host,
        Settings = new Dictionary<string, string>
        {
            // On purpose: these tests drive each join by hand and check its answer, not Kafka's 3 s wait for
            // peers (the default and its behaviour are pinned in InitialRebalanceDelayTests).
            ["group.initial.rebalance.delay.ms"] = "0",
            ["group.min.session.timeout.ms"] = MinSessionTimeoutMs.ToString(CultureInfo.InvariantCulture),
            ["group.max.session.timeout.ms"] = MaxSessionTimeoutMs.ToString(CultureInfo.InvariantCulture),
            ["offset.metadata.max.bytes"] = OffsetMetadataMaxBytes.ToString(CultureInfo.InvariantCulture),
            ["socket.request.max.bytes"] = SocketRequestMaxBytes.ToString(CultureInfo.InvariantCulture),

            // One broker can hold only one replica: the controller places the offsets topic at once.
            ["offsets.topic.replication.factor"] = "1",
        },
    };

    protected override Task AfterStartAsync(FjordTestCluster cluster) => CoordinatorReadiness.WaitAsync(cluster, TimeSpan.FromSeconds(60));
}
