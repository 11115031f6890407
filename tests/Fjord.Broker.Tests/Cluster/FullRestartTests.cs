using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Cluster;
using Fjord.Testing;
using Xunit.Abstractions;

namespace Fjord.Broker.Tests.Cluster;

/// <summary>
/// Issue 11, item 7: after every broker of a three-broker cluster restarts — one by one, all at once,
/// cleanly or killed — every replica of every partition, the log-less __consumer_offsets ones included,
/// rejoins the ISR once it has caught up, and the group coordinators still answer.
/// </summary>
[Collection(BrokerCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class FullRestartTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private const string Topic = "restarted";
    private const int Partitions = 3;
    private const int OffsetsPartitions = 6;
    private const string Group = "restart-group";
    private static readonly TimeSpan IsrTimeout = TimeSpan.FromSeconds(60);

    /// <summary>replica.lag.time.max.ms plus broker.session.timeout.ms of <see cref="FjordTestClusterOptions.FastFailover"/>, and a margin.</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(7);

    [Fact]
    public async Task EveryReplicaRejoinsTheIsrAfterEveryBrokerRestartsInAnyOrder()
    {
        await using var cluster = await FjordTestCluster.StartAsync(FjordTestClusterOptions.FaultTolerant(azurite.Host, 3).WithSettings(new Dictionary<string, string>
        {
            ["offsets.topic.num.partitions"] = OffsetsPartitions.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["min.insync.replicas"] = "2",
        }));
        try
        {
            await cluster.CreateTopicAsync(Topic, Partitions, 3);
            await WaitForEveryIsrAsync(cluster, "after the topic was created", new Dictionary<(string, int), int>());
            var produced = Produce(cluster, 0, 30);
            Commit(cluster, produced);

            var rounds = new (string Name, Func<Task> Restart)[]
            {
                ("killed one by one (0, 1, 2)", async () =>
                {
                    foreach (var id in new[] { 0, 1, 2 })
                        await cluster.RestartAsync(id);
                }),
                ("all killed, all started at once", async () =>
                {
                    await Task.WhenAll(Enumerable.Range(0, 3).Select(cluster.KillAsync));
                    await Task.WhenAll(Enumerable.Range(0, 3).Select(id => cluster.RestartAsync(id)));
                }),
                ("stopped cleanly one by one (2, 1, 0)", async () =>
                {
                    foreach (var id in new[] { 2, 1, 0 })
                    {
                        await cluster.StopAsync(id);
                        await cluster.RestartAsync(id);
                    }
                }),
                ("all stopped cleanly, started in reverse (2, 1, 0)", async () =>
                {
                    await Task.WhenAll(Enumerable.Range(0, 3).Select(cluster.StopAsync));
                    foreach (var id in new[] { 2, 1, 0 })
                        await cluster.RestartAsync(id);
                }),
            };

            foreach (var (name, restart) in rounds)
            {
                var before = (await cluster.Store.ListPartitionStatesAsync(CancellationToken.None))
                    .ToDictionary(s => (s.Topic, s.Partition), s => s.PartitionEpoch);
                var clock = Stopwatch.StartNew();
                await restart();
                var restarted = clock.Elapsed;
                await WaitForEveryIsrAsync(cluster, $"after the restart round '{name}'", before);
                output.WriteLine($"{name}: restarts took {restarted.TotalSeconds:0.0} s, every ISR full {(clock.Elapsed - restarted).TotalSeconds:0.0} s later");

                // The coordinators answer again and kept what was committed; the data is all there.
                Assert.Equal(produced, Committed(cluster));
                produced = Produce(cluster, produced, 10);
                Commit(cluster, produced);
            }
        }
        catch (Exception e) when (e is TimeoutException or KafkaException)
        {
            throw new InvalidOperationException($"{e.Message}\n{cluster.Logs(40)}", e);
        }
    }

    /// <summary>
    /// Every partition row, the topic's and __consumer_offsets', has a leader and all its replicas in the
    /// ISR. A row untouched since <paramref name="before"/> may only show the old ISR because nobody has
    /// reacted yet (a controller that took over during the round cannot tell who restarted before it
    /// watched), so such a row counts once it stayed full for <see cref="Settle"/>: by then a leader has
    /// dropped a follower that does not fetch, and the controller a broker that is gone.
    /// </summary>
    private static async Task WaitForEveryIsrAsync(FjordTestCluster cluster, string when, Dictionary<(string, int), int> before)
    {
        IReadOnlyList<PartitionState> lagging = [];
        var fullSince = new Dictionary<(string, int), (int PartitionEpoch, Stopwatch Clock)>();
        try
        {
            await Poll.UntilAsync(async () =>
            {
                var states = await cluster.Store.ListPartitionStatesAsync(CancellationToken.None);
                var expected = states.Where(s => s.Topic is Topic or TopicNames.ConsumerOffsets).ToList();
                lagging = [.. expected.Where(s => !InSync(s))];
                return expected.Count == Partitions + OffsetsPartitions && lagging.Count == 0;
            }, IsrTimeout, $"every replica in the ISR {when}");
        }
        catch (TimeoutException e)
        {
            var text = new StringBuilder(e.Message).Append(" Not in sync:");
            foreach (var state in lagging)
                text.Append($"\n  {state.Topic}-{state.Partition}: {FjordTestCluster.Describe(state)}");
            throw new TimeoutException(text.ToString(), e);
        }

        bool InSync(PartitionState state)
        {
            var key = (state.Topic, state.Partition);
            if (state.Leader < 0 || state.Isr.Count != state.Replicas.Count)
            {
                fullSince.Remove(key);
                return false;
            }
            if (state.PartitionEpoch > before.GetValueOrDefault(key, -1))
                return true;
            if (!fullSince.TryGetValue(key, out var seen) || seen.PartitionEpoch != state.PartitionEpoch)
                fullSince[key] = seen = (state.PartitionEpoch, Stopwatch.StartNew());
            return seen.Clock.Elapsed >= Settle;
        }
    }

    /// <summary>Produces <paramref name="count"/> records per partition with acks=all; returns the new per-partition total.</summary>
    private static int Produce(FjordTestCluster cluster, int already, int count)
    {
        using var producer = KafkaClients.Producer(KafkaClients.ProducerConfig(cluster.BootstrapServers));
        for (var p = 0; p < Partitions; p++)
            for (var i = 0; i < count; i++)
                producer.Produce(new TopicPartition(Topic, p), new Message<byte[], byte[]> { Key = [], Value = Encoding.UTF8.GetBytes($"{p}-{already + i}") },
                    report => Assert.False(report.Error.IsError, report.Error.Reason));
        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(60)));
        return already + count;
    }

    /// <summary>Commits <paramref name="offset"/> for every partition through the group's coordinator (a __consumer_offsets leader).</summary>
    private static void Commit(FjordTestCluster cluster, int offset)
    {
        using var consumer = KafkaClients.Consumer(cluster.BootstrapServers, c => c.GroupId = Group);
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                consumer.Commit(Enumerable.Range(0, Partitions).Select(p => new TopicPartitionOffset(Topic, p, offset)));
                return;
            }
            // librdkafka's manual commit hands a coordinator move back to the caller instead of retrying it; an
            // application retries, and so does this (the coordinator moves while the restarted brokers settle).
            catch (KafkaException e) when (e.Error.Code is ErrorCode.NotCoordinatorForGroup or ErrorCode.GroupLoadInProgress
                or ErrorCode.GroupCoordinatorNotAvailable && deadline.Elapsed < TimeSpan.FromSeconds(30))
            {
                try
                {
                    consumer.Committed([new TopicPartition(Topic, 0)], TimeSpan.FromSeconds(5)); // waits while the client finds the coordinator
                }
                catch (KafkaException)
                {
                }
            }
        }
    }

    /// <summary>The group's committed offset, the same for every partition, or -1 when they differ.</summary>
    private static int Committed(FjordTestCluster cluster)
    {
        using var consumer = KafkaClients.Consumer(cluster.BootstrapServers, c => c.GroupId = Group);
        var offsets = consumer.Committed(Enumerable.Range(0, Partitions).Select(p => new TopicPartition(Topic, p)), TimeSpan.FromSeconds(30))
            .Select(o => o.Offset.Value).Distinct().ToList();
        return offsets.Count == 1 ? (int)offsets[0] : -1;
    }
}
