using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Fjord.Cluster;

namespace Fjord.Testing;

/// <summary>Waits with deadlines on the cluster's truth as the metadata table holds it, and the few client calls every cluster test needs.</summary>
public sealed partial class FjordTestCluster
{
    private static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(10);

    public Task<ControllerLease?> ControllerAsync() => Store.GetControllerAsync(CancellationToken.None);

    public Task<PartitionState?> PartitionStateAsync(string topic, int partition) =>
        Store.GetPartitionStateAsync(topic, partition, CancellationToken.None);

    /// <summary>
    /// Waits until every broker is registered, a controller holds the lease, and every running broker's
    /// Metadata lists them all (each answers Metadata, and places CreateTopics replicas, from its own
    /// cache, which learns of the others one poll later).
    /// </summary>
    public async Task WaitUntilFormedAsync(TimeSpan timeout)
    {
        // The brokers create the table too; creating it here first lets the polls below read it at once.
        await Store.InitializeAsync(CancellationToken.None).ConfigureAwait(false);
        var expected = _brokers.Select(b => b.NodeId).ToHashSet();
        await Poll.UntilAsync(async () =>
        {
            var brokers = await Store.ListBrokersAsync(CancellationToken.None).ConfigureAwait(false);
            return expected.IsSubsetOf(brokers.Select(b => b.NodeId));
        }, timeout, $"brokers {string.Join(',', expected)} to register").ConfigureAwait(false);
        await WaitForControllerAsync(_ => true, timeout, "a controller to hold the lease").ConfigureAwait(false);
        foreach (var broker in _brokers.Where(b => b.IsRunning))
        {
            using var admin = Admin(broker.BootstrapServers);
            await Poll.UntilAsync(() =>
            {
                try
                {
                    return admin.GetMetadata(ClientTimeout).Brokers.Count >= expected.Count;
                }
                catch (KafkaException)
                {
                    return false;
                }
            }, timeout, $"broker {broker.NodeId}'s Metadata to list all {expected.Count} brokers").ConfigureAwait(false);
        }
    }

    /// <summary>Polls the controller lease row until <paramref name="condition"/> holds; returns that lease.</summary>
    public async Task<ControllerLease> WaitForControllerAsync(Func<ControllerLease, bool> condition, TimeSpan timeout, string what)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ControllerLease? seen = null;
        await Poll.UntilAsync(async () =>
        {
            seen = await ControllerAsync().ConfigureAwait(false);
            return seen is not null && condition(seen);
        }, timeout, what).ConfigureAwait(false);
        return seen!;
    }

    /// <summary>Polls the partition's row until <paramref name="condition"/> holds; returns that state.</summary>
    public async Task<PartitionState> WaitForPartitionAsync(string topic, int partition, Func<PartitionState, bool> condition, TimeSpan timeout, string what)
    {
        ArgumentNullException.ThrowIfNull(condition);
        PartitionState? seen = null;
        try
        {
            await Poll.UntilAsync(async () =>
            {
                seen = await PartitionStateAsync(topic, partition).ConfigureAwait(false);
                return seen is not null && condition(seen);
            }, timeout, $"{topic}-{partition}: {what}").ConfigureAwait(false);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message} Last state: {Describe(seen)}", e);
        }

        return seen!;
    }

    /// <summary>Waits until every partition of the topic has a leader and all its replicas in the ISR.</summary>
    public async Task WaitForFullIsrAsync(string topic, int partitions, TimeSpan timeout)
    {
        for (var p = 0; p < partitions; p++)
            await WaitForPartitionAsync(topic, p, s => s.Leader >= 0 && s.Isr.Count == s.Replicas.Count, timeout, "a leader and every replica in the ISR").ConfigureAwait(false);
    }

    public async Task CreateTopicAsync(string topic, int partitions, short replicationFactor, Dictionary<string, string>? configs = null)
    {
        using var admin = Admin(BootstrapServers);
        await admin.CreateTopicsAsync(
            [new TopicSpecification { Name = topic, NumPartitions = partitions, ReplicationFactor = replicationFactor, Configs = configs }],
            new CreateTopicsOptions { RequestTimeout = TimeSpan.FromSeconds(30) }).ConfigureAwait(false);
    }

    /// <summary>The partition's high watermark as its leader reports it (ListOffsets latest).</summary>
    public long HighWatermark(string topic, int partition)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = BootstrapServers,
            GroupId = "fjord-test-cluster-" + Guid.NewGuid().ToString("N"),
            SocketTimeoutMs = (int)ClientTimeout.TotalMilliseconds,
        }).SetLogHandler((_, _) => { }).Build();
        return consumer.QueryWatermarkOffsets(new TopicPartition(topic, partition), ClientTimeout).High.Value;
    }

    public static string Describe(PartitionState? state) => state is null
        ? "(no partition row)"
        : $"leader {state.Leader} epoch {state.LeaderEpoch} replicas [{string.Join(',', state.Replicas)}] isr [{string.Join(',', state.Isr)}] partition epoch {state.PartitionEpoch}";

    private static IAdminClient Admin(string bootstrap) =>
        new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap, SocketTimeoutMs = (int)ClientTimeout.TotalMilliseconds })
            .SetLogHandler((_, _) => { }).Build();
}
