using System.Diagnostics;
using Confluent.Kafka;
using Fjord.Perf.Cluster;
using Fjord.Perf.Produce;

namespace Fjord.Perf.Groups;

/// <summary>
/// OffsetCommit latency as a group member sees it: the consumer joins the group (so every commit
/// carries its generation and member id, the path the coordinator validates), then times
/// synchronous Commit calls, first of partition 0 alone, then of every partition at once.
/// </summary>
/// <remarks>
/// The commit loop allocates nothing of its own: the offset lists are built once, and two of each
/// alternate so every commit moves the offset (a coordinator could shortcut an unchanged one).
/// Latency lives in a preallocated <see cref="LatencyRecorder"/>.
/// </remarks>
internal sealed class CommitPerformance(CommitOptions options, ClusterConnection cluster)
{
    private const int SeedRecordsPerPartition = 10;

    public CommitSummary Run(CancellationToken cancellation)
    {
        var partitions = GroupTopic.Prepare(cluster, options.Topic, options.Partitions, options.CreateTopic, options.ReplicationFactor, options.Timeout);
        GroupTopic.Seed(cluster.BootstrapServers, options.Topic, partitions, SeedRecordsPerPartition, options.Timeout);

        var group = options.GroupOrFresh();
        var config = new ConsumerConfig
        {
            BootstrapServers = cluster.BootstrapServers,
            GroupId = group,
            ClientId = "fjord-perf-commit",
            EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnablePartitionEof = false,
            SocketConnectionSetupTimeoutMs = (int)Math.Min(options.Timeout.TotalMilliseconds, 30_000),
        };

        using var consumer = new ConsumerBuilder<Ignore, Ignore>(ClientLogging.Configure(config))
            .SetLogHandler(ClientLogging.Write)
            .Build();
        try
        {
            JoinGroup(consumer, partitions, cancellation);

            var onePartition = OffsetLists(1);
            var allPartitions = OffsetLists(partitions);
            string? firstError = null;
            var failed = 0;

            Console.Error.WriteLine($"committing partition 0 of {options.Topic} {options.NumCommits} times (group {group})");
            var one = Measure(consumer, onePartition, ref failed, ref firstError, cancellation);
            Console.Error.WriteLine($"committing all {partitions} partitions of {options.Topic} {options.NumCommits} times");
            var all = Measure(consumer, allPartitions, ref failed, ref firstError, cancellation);

            return new CommitSummary(options.Topic, group, partitions, options.NumCommits, one, all, failed, firstError);
        }
        finally
        {
            consumer.Close();
        }
    }

    private void JoinGroup(IConsumer<Ignore, Ignore> consumer, int partitions, CancellationToken cancellation)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(options.Timeout.TotalSeconds * Stopwatch.Frequency);
        consumer.Subscribe(options.Topic);
        while (consumer.Assignment.Count < partitions)
        {
            cancellation.ThrowIfCancellationRequested();
            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException(
                    $"group member was assigned {consumer.Assignment.Count} of {partitions} partitions of {options.Topic} after {options.Timeout.TotalSeconds:0}s");
            }

            consumer.Consume(100);
        }
    }

    /// <summary>Two lists of the first <paramref name="count"/> partitions, at offsets 1 and 2 (both exist: the topic was seeded).</summary>
    private List<TopicPartitionOffset>[] OffsetLists(int count) =>
    [
        .. Enumerable.Range(1, 2).Select(offset =>
            Enumerable.Range(0, count).Select(p => new TopicPartitionOffset(options.Topic, p, offset)).ToList()),
    ];

    private LatencySummary Measure(
        IConsumer<Ignore, Ignore> consumer,
        List<TopicPartitionOffset>[] lists,
        ref int failed,
        ref string? firstError,
        CancellationToken cancellation)
    {
        var latency = new LatencyRecorder(options.NumCommits);
        for (var i = 0; i < options.NumCommits && !cancellation.IsCancellationRequested; i++)
        {
            var offsets = lists[i & 1];
            var start = Stopwatch.GetTimestamp();
            latency.MarkSent(i, start);
            try
            {
                consumer.Commit(offsets);
                latency.MarkDelivered(i, Stopwatch.GetTimestamp());
            }
            catch (KafkaException ex)
            {
                latency.MarkFailed(i);
                failed++;
                firstError ??= ex.Error.Reason;
            }

            // Commit does not poll; serve the consumer now and then so max.poll.interval.ms
            // (5 min) never evicts the member during a long series. Outside the timed window.
            if ((i & 1023) == 1023)
                consumer.Consume(0);
        }

        return latency.Summarize();
    }
}
