using System.Diagnostics;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Fjord.Perf.Cluster;
using Fjord.Perf.Consume;
using Fjord.Perf.Suite;

namespace Fjord.Perf.Fetch;

/// <summary>
/// The many-partitions fetch path: one consumer is assigned every partition of a wide topic
/// (fetch.min.bytes=1, long-polling up to fetch.wait.max.ms), and each round the producer appends
/// exactly one record to every partition (acks=1, all in one Produce request thanks to a short
/// linger); the next round starts once the consumer has seen all of them. What a broker pays per
/// Fetch request over many partitions (sessions, per-partition reads, waking long polls) shows
/// in Fetch requests per second and broker CPU per request.
/// </summary>
/// <remarks>
/// Fetch requests are librdkafka's own count (statistics <c>brokers.*.req.Fetch</c>), which only
/// arrives once per statistics interval (1 s granularity). So the run is measured between two
/// statistics events: the first after the warm-up rounds and the last before the end, and the
/// records consumed and the broker's CPU are sampled inside the same callback.
/// </remarks>
internal sealed class FetchManyPerformance(FetchManyOptions options, ClusterConnection cluster)
{
    /// <summary>How long rounds go on past --rounds waiting for the window's second statistics event.</summary>
    private const int OvertimeSec = 10;

    private readonly List<FetchCounterSnapshot> _snapshots = [];
    private long _recordsConsumed;
    private bool _measuring;
    private long _failed;
    private string? _firstError;

    public FetchManySummary Run(CancellationToken cancellation)
    {
        if (options.CreateTopic)
            cluster.CreateTopic(options.Topic, options.Partitions, options.ReplicationFactor, options.Timeout);
        var partitions = TopicAdmin.PartitionCount(cluster.BootstrapServers, options.Topic, options.Timeout);
        if (partitions == 0)
            throw new InvalidOperationException($"topic {options.Topic} does not exist or has no partition leader (pass --create-topic to create it)");
        if (partitions != options.Partitions)
            Console.Error.WriteLine($"topic {options.Topic} has {partitions} partitions with a leader, not {options.Partitions}; using all {partitions}");

        var targets = Enumerable.Range(0, partitions).Select(p => new TopicPartition(options.Topic, p)).ToArray();
        var message = new Message<Null, byte[]> { Value = new byte[options.RecordSize] };
        Array.Fill(message.Value, (byte)'F');

        using var producer = new ProducerBuilder<Null, byte[]>(ClientLogging.Configure(ProducerConfig()))
            .SetLogHandler(ClientLogging.Write)
            .Build();
        using var consumer = new ConsumerBuilder<Ignore, int>(ClientLogging.Configure(ConsumerConfig()))
            .SetValueDeserializer(PayloadLengthDeserializer.Instance)
            .SetLogHandler(ClientLogging.Write)
            .SetStatisticsHandler((_, json) => OnStatistics(json))
            .Build();

        consumer.Assign(EndOffsets(consumer, targets));
        var totalRounds = options.WarmupRounds + options.Rounds;
        var progressAt = Stopwatch.GetTimestamp() + (5 * Stopwatch.Frequency);
        var round = 0;
        var overtimeEnds = long.MaxValue;
        try
        {
            // Past --rounds only while the window does not yet span two statistics events (1 s apart).
            for (; (round < totalRounds || _snapshots.Count < 2) && !cancellation.IsCancellationRequested; round++)
            {
                if (round == options.WarmupRounds)
                    _measuring = true;
                if (round == totalRounds)
                    overtimeEnds = Stopwatch.GetTimestamp() + (OvertimeSec * Stopwatch.Frequency);
                if (round > totalRounds && Stopwatch.GetTimestamp() > overtimeEnds)
                    break;
                foreach (var target in targets)
                    Send(producer, target, message);
                AwaitRound(consumer, partitions, round, cancellation);
                if (Stopwatch.GetTimestamp() > progressAt)
                {
                    Console.Error.WriteLine($"{round + 1} of {totalRounds} rounds ({options.WarmupRounds} warm-up), {_snapshots.Count} statistics events measured");
                    progressAt += 5 * Stopwatch.Frequency;
                }
            }
        }
        finally
        {
            _measuring = false;
            consumer.Close();
        }

        if (_failed > 0)
            throw new InvalidOperationException($"{_failed} records failed; first error: {_firstError}");
        if (_snapshots.Count < 2)
        {
            throw new InvalidOperationException(
                $"only {_snapshots.Count} statistics event(s) after the warm-up: run more --rounds (the measured window must span at least 1 s)");
        }

        return FetchManySummary.FromWindow(options.Topic, partitions, options.RecordSize, round, _snapshots[0], _snapshots[^1]);
    }

    /// <summary>Consumes until the round's records (one per partition) are all in; bounded by --timeout-sec without progress.</summary>
    private void AwaitRound(IConsumer<Ignore, int> consumer, int partitions, int round, CancellationToken cancellation)
    {
        var goal = (long)(round + 1) * partitions;
        var idleLimit = (long)(options.Timeout.TotalSeconds * Stopwatch.Frequency);
        var lastProgress = Stopwatch.GetTimestamp();
        while (_recordsConsumed < goal && !cancellation.IsCancellationRequested)
        {
            var result = consumer.Consume(100);
            if (result is not null)
            {
                _recordsConsumed++;
                lastProgress = Stopwatch.GetTimestamp();
            }
            else if (Stopwatch.GetTimestamp() - lastProgress > idleLimit)
            {
                throw new TimeoutException(
                    $"round {round}: consumed {_recordsConsumed - (goal - partitions)} of its {partitions} records, then nothing for {options.Timeout.TotalSeconds:0}s" +
                    (_firstError is null ? "" : $"; first produce error: {_firstError}"));
            }
        }
    }

    // Runs inside consumer.Consume on the round loop's thread, so _recordsConsumed is exact here.
    private void OnStatistics(string json)
    {
        if (!_measuring)
            return;
        var (micros, fetches) = FetchStatistics.Parse(json);
        var cpu = options.BrokerPid is { } pid ? ProcessCpuSampler.Sample(pid) : (CpuTimes?)null;
        _snapshots.Add(new FetchCounterSnapshot(micros, fetches, _recordsConsumed, cpu));
    }

    /// <summary>Every partition's current end, in one ListOffsets: the consumer must not miss the first round.</summary>
    private List<TopicPartitionOffset> EndOffsets(IConsumer<Ignore, int> consumer, TopicPartition[] targets)
    {
        using var admin = new DependentAdminClientBuilder(consumer.Handle).Build();
        var result = admin.ListOffsetsAsync(
                targets.Select(t => new TopicPartitionOffsetSpec { TopicPartition = t, OffsetSpec = OffsetSpec.Latest() }),
                new ListOffsetsOptions { RequestTimeout = options.Timeout })
            .WaitAsync(options.Timeout + TimeSpan.FromSeconds(5))
            .GetAwaiter().GetResult();
        return result.ResultInfos.Select(r => r.TopicPartitionOffsetError.TopicPartitionOffset).ToList();
    }

    private ProducerConfig ProducerConfig() => new()
    {
        BootstrapServers = cluster.BootstrapServers,
        ClientId = "fjord-perf-fetch-many-producer",
        Acks = Acks.Leader,
        // Long enough for one round (one record per partition) to leave in one Produce request.
        LingerMs = 2,
        MessageTimeoutMs = (int)options.Timeout.TotalMilliseconds,
        SocketConnectionSetupTimeoutMs = (int)Math.Min(options.Timeout.TotalMilliseconds, 30_000),
        DeliveryReportFields = "none",
    };

    private ConsumerConfig ConsumerConfig() => new()
    {
        BootstrapServers = cluster.BootstrapServers,
        ClientId = "fjord-perf-fetch-many-consumer",
        // Never joined: partitions are assigned, nothing is committed.
        GroupId = $"fjord-perf-{Guid.NewGuid():N}",
        EnableAutoCommit = false,
        EnablePartitionEof = false,
        FetchMinBytes = 1,
        FetchWaitMaxMs = options.FetchWaitMaxMs,
        StatisticsIntervalMs = 1000,
        SocketConnectionSetupTimeoutMs = (int)Math.Min(options.Timeout.TotalMilliseconds, 30_000),
    };

    private void Send(IProducer<Null, byte[]> producer, TopicPartition target, Message<Null, byte[]> message)
    {
        while (true)
        {
            try
            {
                producer.Produce(target, message, OnDelivery);
                return;
            }
            catch (ProduceException<Null, byte[]> ex) when (ex.Error.Code == ErrorCode.Local_QueueFull)
            {
                Thread.Sleep(1);
            }
        }
    }

    private void OnDelivery(DeliveryReport<Null, byte[]> report)
    {
        if (!report.Error.IsError)
            return;
        Interlocked.CompareExchange(ref _firstError, report.Error.Reason, null);
        Interlocked.Increment(ref _failed);
    }
}
