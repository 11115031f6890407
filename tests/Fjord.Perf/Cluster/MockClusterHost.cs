using Confluent.Kafka;

namespace Fjord.Perf.Cluster;

/// <summary>
/// Owns librdkafka's in-process mock cluster. Setting <c>test.mock.num.brokers</c> on a client makes
/// librdkafka start mock brokers listening on real loopback TCP ports and replace that client's
/// <c>bootstrap.servers</c> with them. Confluent.Kafka does not expose the mock cluster API, but the
/// mock brokers advertise their listeners in Metadata, so a Metadata request through the hosting
/// client reveals a bootstrap address that any other client (producer, consumer, admin) can use.
/// The cluster lives exactly as long as the hosting client, so this host must outlive every run.
/// </summary>
internal sealed class MockClusterHost : IDisposable
{
    private readonly IProducer<Null, Null> _host;

    private MockClusterHost(IProducer<Null, Null> host, string bootstrapServers)
    {
        _host = host;
        BootstrapServers = bootstrapServers;
    }

    public string BootstrapServers { get; }

    /// <summary>Creates the topic inside the mock cluster (the mock broker has no CreateTopics).</summary>
    public void CreateTopic(string topic, int partitions, int replicationFactor) =>
        MockClusterNative.CreateTopic(_host.Handle, topic, partitions, replicationFactor);

    public static MockClusterHost Start(TimeSpan timeout)
    {
        var config = new ProducerConfig
        {
            // Ignored by librdkafka once the mock cluster is enabled, but some value is expected.
            BootstrapServers = "mock",
            ClientId = "fjord-perf-mock-host",
        };
        config.Set("test.mock.num.brokers", "1");

        var host = new ProducerBuilder<Null, Null>(ClientLogging.Configure(config))
            .SetLogHandler(ClientLogging.Write)
            .Build();
        try
        {
            using var admin = new DependentAdminClientBuilder(host.Handle).Build();
            var metadata = admin.GetMetadata(timeout);
            if (metadata.Brokers.Count == 0)
                throw new BrokerUnreachableException("the librdkafka mock cluster advertised no brokers");
            var bootstrap = string.Join(',', metadata.Brokers.Select(b => $"{b.Host}:{b.Port}"));
            return new MockClusterHost(host, bootstrap);
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    public void Dispose() => _host.Dispose();
}
