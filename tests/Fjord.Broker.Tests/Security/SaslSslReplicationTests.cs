using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Testing;

namespace Fjord.Broker.Tests.Security;

/// <summary>
/// Three brokers whose only listener is SASL_SSL, replicating to each other over it as fjord-broker (SCRAM-SHA-512):
/// there is no PLAINTEXT port anywhere, so the cluster's formation is checked with an authenticated admin client.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class SaslSslReplicationTests(AzuriteFixture azurite) : IAsyncLifetime, IDisposable
{
    private const int Brokers = 3;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private readonly TestSecurity _security = new();
    private FjordTestCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        var settings = _security.BrokerSettings("SASL_SSL://127.0.0.1:0");
        // A follower that cannot fetch leaves the ISR within seconds, so a full ISR after the produce means it fetched.
        settings["replica.lag.time.max.ms"] = "3000";
        settings["group.initial.rebalance.delay.ms"] = "0";
        // A few internal partitions, not Kafka's 50 × 3 replicas, on two shared cores.
        settings["offsets.topic.num.partitions"] = "3";
        _cluster = await FjordTestCluster.StartAsync(new FjordTestClusterOptions
        {
            Azurite = azurite.Host,
            Brokers = Brokers,
            Settings = settings,
            // The readiness helpers speak PLAINTEXT; this cluster has none.
            WaitUntilFormed = false,
        });
        foreach (var broker in _cluster.Brokers)
        {
            using var admin = Admin(broker.BootstrapServers).Admin();
            await Poll.UntilAsync(() =>
            {
                try
                {
                    return admin.GetMetadata(TimeSpan.FromSeconds(5)).Brokers.Count == Brokers;
                }
                catch (KafkaException)
                {
                    return false;
                }
            }, Deadline, $"broker {broker.NodeId} to list all {Brokers} brokers over SASL_SSL");
        }
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    public void Dispose() => _security.Dispose();

    private SecureClient Admin(string bootstrap) => new("SASL_SSL admin", new ClientConfig
    {
        BootstrapServers = bootstrap,
        SecurityProtocol = SecurityProtocol.SaslSsl,
        SslCaLocation = _security.CaPath,
        SaslMechanism = SaslMechanism.ScramSha512,
        SaslUsername = TestSecurity.AdminUser,
        SaslPassword = TestSecurity.AdminPassword,
    });

    [Fact]
    public async Task ATopicWithThreeReplicasReplicatesOverSaslSsl()
    {
        const string topic = "replicated-over-sasl-ssl";
        const int partitions = 2;
        const int records = 100;
        var client = Admin(_cluster.BootstrapServers);
        using (var admin = client.Admin())
        {
            await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = partitions, ReplicationFactor = Brokers }],
                new CreateTopicsOptions { RequestTimeout = TimeSpan.FromSeconds(30) });
        }

        await SecureRoundTrip.RoundTripAsync(client, topic, topic + "-group", records);

        // Every replica's own log holds every record: the followers fetched them over SASL_SSL.
        var leaders = new long[partitions];
        for (var p = 0; p < partitions; p++)
        {
            var state = await _cluster.WaitForPartitionAsync(topic, p, s => s.Isr.Count == Brokers, Deadline, "all three replicas in the ISR");
            leaders[p] = _cluster.InProcess(state.Leader).Replicas.GetHosted(topic, p)!.Log.LogEndOffset;
        }
        Assert.Equal(records, leaders.Sum());
        await Poll.UntilAsync(() => Enumerable.Range(0, Brokers).All(b => Enumerable.Range(0, partitions).All(p =>
            _cluster.InProcess(b).Replicas.GetHosted(topic, p)?.Log.LogEndOffset == leaders[p])), Deadline, "every replica to hold every record");

        using (var admin = client.Admin())
        {
            var description = await admin.DescribeTopicsAsync(TopicCollection.OfTopicNames([topic]));
            Assert.All(Assert.Single(description.TopicDescriptions).Partitions, p => Assert.Equal(Brokers, p.ISR.Count));
        }
    }
}
