using System.Diagnostics;
using Confluent.Kafka;
using Fjord.Perf.Cluster;
using Fjord.Perf.Produce;
using Fjord.Perf.Reporting;

namespace Fjord.Perf.Latency;

/// <summary>
/// Latency from produce to a long-polling consumer seeing the record, on an otherwise idle
/// broker. A consumer assigned the one partition at its end waits in Fetch (fetch.min.bytes=1,
/// fetch.wait.max.ms large), so every record has to wake a parked fetch; a producer with
/// linger.ms=0 and acks=1 sends one record at a time at a fixed rate, each stamped with its
/// Stopwatch timestamp, and the consumer records receive − send.
/// </summary>
internal sealed class E2eLatencyPerformance(E2eLatencyOptions options, ClusterConnection cluster)
{
    private long _received;
    private long _failed;
    private string? _firstError;

    public E2eLatencySummary Run(CancellationToken cancellation)
    {
        if (options.CreateTopic)
            cluster.CreateTopic(options.Topic, 1, options.ReplicationFactor, options.Timeout);
        if (TopicAdmin.PartitionCount(cluster.BootstrapServers, options.Topic, options.Timeout) == 0)
            throw new InvalidOperationException($"topic {options.Topic} does not exist or has no partition leader (pass --create-topic to create it)");

        var partition = new TopicPartition(options.Topic, 0);
        var total = options.WarmupRecords + options.NumRecords;
        var recorder = new LatencyRecorder(options.NumRecords);

        using var producer = new ProducerBuilder<Null, byte[]>(ClientLogging.Configure(ProducerConfig()))
            .SetLogHandler(ClientLogging.Write)
            .Build();
        using var consumer = new ConsumerBuilder<Ignore, byte[]>(ClientLogging.Configure(ConsumerConfig()))
            .SetLogHandler(ClientLogging.Write)
            .Build();

        // From the partition's current end, resolved before anything is sent, so no record is skipped.
        var end = consumer.QueryWatermarkOffsets(partition, options.Timeout).High;
        consumer.Assign(new TopicPartitionOffset(partition, end));

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var consuming = Task.Factory.StartNew(
            () => ConsumeLoop(consumer, recorder, total, stop.Token), stop.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        var message = new Message<Null, byte[]> { Value = new byte[options.RecordSize] };
        Array.Fill(message.Value, (byte)'E');
        long start;
        try
        {
            // The first record proves the path works before the clock starts; it is a warm-up record
            // (or, without warm-up, measured like the others).
            start = Stopwatch.GetTimestamp();
            Send(producer, partition, message, 0);
            WaitFor(() => Interlocked.Read(ref _received) >= 1 || consuming.IsCompleted, "the first record");

            var throttler = new ThroughputThrottler(options.Rate, Stopwatch.GetTimestamp());
            for (var sequence = 1; sequence < total && !cancellation.IsCancellationRequested; sequence++)
            {
                throttler.WaitTurn(sequence - 1);
                Send(producer, partition, message, sequence);
            }

            WaitFor(() => Interlocked.Read(ref _received) >= total || consuming.IsCompleted, $"all {total} records");
        }
        finally
        {
            stop.Cancel();
            consuming.Wait(options.Timeout);
            consumer.Close();
        }

        if (_failed > 0)
            throw new InvalidOperationException($"{_failed} records failed; first error: {_firstError}");

        var elapsed = Units.TicksToSec(Stopwatch.GetTimestamp() - start);
        var measured = (int)Math.Max(0, Interlocked.Read(ref _received) - options.WarmupRecords);
        return new E2eLatencySummary(
            Topic: options.Topic,
            Records: measured,
            Missing: options.NumRecords - measured,
            RatePerSec: options.Rate,
            ElapsedSec: elapsed,
            Latency: recorder.Summarize());
    }

    private void ConsumeLoop(IConsumer<Ignore, byte[]> consumer, LatencyRecorder recorder, int total, CancellationToken stop)
    {
        while (Interlocked.Read(ref _received) < total && !stop.IsCancellationRequested)
        {
            var result = consumer.Consume(100);
            if (result is null)
                continue;
            var now = Stopwatch.GetTimestamp();
            var (sequence, sent) = TimestampPayload.Read(result.Message.Value);
            var measured = sequence - options.WarmupRecords;
            if (measured >= 0 && measured < options.NumRecords)
            {
                recorder.MarkSent((int)measured, sent);
                recorder.MarkDelivered((int)measured, now);
            }

            Interlocked.Increment(ref _received);
        }
    }

    private void WaitFor(Func<bool> done, string what)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(options.Timeout.TotalSeconds * Stopwatch.Frequency);
        while (!done())
        {
            if (Stopwatch.GetTimestamp() > deadline)
                throw new TimeoutException($"the consumer did not see {what} within {options.Timeout.TotalSeconds:0}s ({Interlocked.Read(ref _received)} seen)");
            Thread.Sleep(1);
        }
    }

    private void Send(IProducer<Null, byte[]> producer, TopicPartition partition, Message<Null, byte[]> message, long sequence)
    {
        // librdkafka copies the value during Produce, so the one buffer can be restamped for the next record.
        TimestampPayload.Write(message.Value, sequence, Stopwatch.GetTimestamp());
        producer.Produce(partition, message, OnDelivery);
    }

    private void OnDelivery(DeliveryReport<Null, byte[]> report)
    {
        if (!report.Error.IsError)
            return;
        Interlocked.CompareExchange(ref _firstError, report.Error.Reason, null);
        Interlocked.Increment(ref _failed);
    }

    private ProducerConfig ProducerConfig() => new()
    {
        BootstrapServers = cluster.BootstrapServers,
        ClientId = "fjord-perf-e2e-producer",
        Acks = Acks.Leader,
        LingerMs = 0,
        MessageTimeoutMs = (int)options.Timeout.TotalMilliseconds,
        SocketConnectionSetupTimeoutMs = (int)Math.Min(options.Timeout.TotalMilliseconds, 30_000),
        DeliveryReportFields = "none",
    };

    private ConsumerConfig ConsumerConfig() => new()
    {
        BootstrapServers = cluster.BootstrapServers,
        ClientId = "fjord-perf-e2e-consumer",
        // Never joined: the partition is assigned, nothing is committed.
        GroupId = $"fjord-perf-{Guid.NewGuid():N}",
        EnableAutoCommit = false,
        EnablePartitionEof = false,
        FetchMinBytes = 1,
        FetchWaitMaxMs = options.FetchWaitMaxMs,
        SocketConnectionSetupTimeoutMs = (int)Math.Min(options.Timeout.TotalMilliseconds, 30_000),
    };
}
