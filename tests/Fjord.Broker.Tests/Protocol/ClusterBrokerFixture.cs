using System.Globalization;
using Azure.Data.Tables;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Cluster;
using Fjord.Groups;
using Fjord.Testing;

namespace Fjord.Broker.Tests.Protocol;

/// <summary>
/// One in-process broker (node 0, rack "rack-a") in a cluster the test controls through the store:
/// the test claims the controller lease (as node <see cref="ControllerId"/>, for longer than any test
/// runs, so a controller loop inside the broker stays inactive), registers a second broker that never
/// runs (node <see cref="OtherBroker"/>), and writes partition states itself.
/// </summary>
public sealed class ClusterBrokerFixture(AzuriteFixture azurite) : FjordTestClusterFixture
{
    public const int ControllerId = 7;
    public const int OtherBroker = 1;
    public const int UnregisteredBroker = 9;
    public const int OffsetsPartitions = 6;
    public const string SelfRack = "rack-a";
    public const string OtherRack = "rack-b";

    /// <summary>Where the never-running broker claims to listen (nothing does; only the address is checked).</summary>
    public const int OtherPort = 1;

    private readonly string _table = FjordTestCluster.NewTableName();
    private TableMetadataStore? _store;
    private ControllerToken? _token;

    public TableMetadataStore Store => _store ?? throw new InvalidOperationException("store not created");

    protected override FjordTestClusterOptions Options => new()
    {
        Azurite = azurite.Host,
        MetadataTable = _table,
        Settings = new Dictionary<string, string>
        {
            ["broker.rack"] = SelfRack,
            ["offsets.topic.num.partitions"] = OffsetsPartitions.ToString(CultureInfo.InvariantCulture),
            // On purpose: these tests are about which broker coordinates a group, and form one-member
            // groups; Kafka's 3 s wait for more members (pinned in InitialRebalanceDelayTests) would only slow each.
            ["group.initial.rebalance.delay.ms"] = "0",
            ["group.min.session.timeout.ms"] = "1000",
        },
    };

    protected override async Task BeforeStartAsync()
    {
        _store = new TableMetadataStore(new TableServiceClient(azurite.ConnectionString), _table);
        await _store.InitializeAsync(CancellationToken.None);
        var claim = await _store.TryClaimControllerAsync(ControllerId, Guid.NewGuid(), TimeSpan.FromHours(1), CancellationToken.None);
        Assert.True(claim.IsController, "the test claims the controller lease of a fresh table");
        _token = claim.Token!;
        await _store.RegisterBrokerAsync(new BrokerRegistration(OtherBroker, Guid.NewGuid(),
            [new BrokerEndpoint("PLAINTEXT", "127.0.0.1", OtherPort, "PLAINTEXT")], OtherRack, DateTimeOffset.UtcNow), CancellationToken.None);
        await _store.CreateTopicAsync(new TopicMetadata(TopicNames.ConsumerOffsets, Guid.NewGuid(), OffsetsPartitions, 2,
            new Dictionary<string, string>()), CancellationToken.None);
    }

    /// <summary>Writes <paramref name="states"/> as the controller (partition epochs are the store's) and waits until the broker's snapshot has them.</summary>
    public async Task WriteStatesAsync(params PartitionState[] states)
    {
        var changes = new List<(PartitionState, int?)>();
        foreach (var state in states)
            changes.Add((state, (await Store.GetPartitionStateAsync(state.Topic, state.Partition, CancellationToken.None))?.PartitionEpoch));
        Assert.Equal(WriteOutcome.Written, await Store.WritePartitionStatesAsync(_token!, changes, CancellationToken.None));
        await Cluster.InProcess().Metadata.RefreshAsync(force: true, CancellationToken.None);
    }

    /// <summary>Creates a topic directly in the store (as another broker would) and waits until the broker's snapshot has it.</summary>
    public async Task CreateTopicAsync(string name, int partitions, short replicationFactor)
    {
        Assert.Equal(CreateTopicOutcome.Created, await Store.CreateTopicAsync(
            new TopicMetadata(name, Guid.NewGuid(), partitions, replicationFactor, new Dictionary<string, string>()), CancellationToken.None));
        await Cluster.InProcess().Metadata.RefreshAsync(force: true, CancellationToken.None);
    }

    /// <summary>A group id whose offsets partition is <paramref name="partition"/> (fresh per fixture: each has its own table).</summary>
    public static string GroupOfPartition(int partition, string prefix)
    {
        for (var i = 0; ; i++)
        {
            var id = $"{prefix}-{i}";
            if (GroupCoordinator.PartitionFor(id, OffsetsPartitions) == partition) return id;
        }
    }

    public static PartitionState State(string topic, int partition, int[] replicas, int leader, int leaderEpoch, int[] isr) =>
        new(topic, partition, replicas, leader, leaderEpoch, isr, 0);
}
