using Fjord.Broker.Network;
using Fjord.Broker.Tests.Protocol;
using Fjord.Protocol;
using Fjord.Testing;

namespace Fjord.Broker.Tests.Authorization;

/// <summary>
/// One broker for the authorization matrix. Its own handlers allow everything (no authorizer configured), so a
/// test sets up and inspects state over the wire as any client; a second set of handlers over the same
/// components asks <see cref="Authorizer"/>, and the test calls those directly as User:alice.
/// </summary>
public sealed class AuthorizationBrokerFixture(AzuriteFixture azurite) : FjordTestClusterFixture
{
    private IReadOnlyDictionary<ApiKey, ApiHandler>? _handlers;

    public RuleAuthorizer Authorizer { get; } = new();

    public IReadOnlyDictionary<ApiKey, ApiHandler> Handlers => _handlers ?? throw new InvalidOperationException("the broker has not started");

    protected override FjordTestClusterOptions Options => new()
    {
        Azurite = azurite.Host,
        Settings = new Dictionary<string, string>
        {
            ["group.initial.rebalance.delay.ms"] = "0",
            ["offsets.topic.replication.factor"] = "1",
            ["auto.create.topics.enable"] = "true",
            // A secret DescribeConfigs must never show.
            ["ssl.keystore.password"] = "hunter2",
            ["sasl.jaas.config"] = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"admin\" password=\"hunter2\";",
        },
    };

    protected override async Task AfterStartAsync(FjordTestCluster cluster)
    {
        await CoordinatorReadiness.WaitAsync(cluster, TimeSpan.FromSeconds(60));
        _handlers = cluster.InProcess().CreateHandlers(Authorizer).ToDictionary(h => h.ApiKey);
    }
}
