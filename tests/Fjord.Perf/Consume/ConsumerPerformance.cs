using System.Diagnostics;
using Confluent.Kafka;
using Fjord.Perf.Cluster;
using Fjord.Perf.Reporting;
using Fjord.Perf.Suite;

namespace Fjord.Perf.Consume;

/// <summary>Fjord's kafka-consumer-perf-test: consumes N records and measures throughput and time to first record.</summary>
internal sealed class ConsumerPerformance(ConsumeOptions options, string bootstrapServers)
{
    public ConsumeSummary Run(CancellationToken cancellation)
    {
        var useGroup = options.Group is not null;
        var config = new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            ClientId = "fjord-perf-consumer",
            // Confluent.Kafka insists on a group.id even for manual assignment; without --group it is
            // never joined (Assign, not Subscribe) and nothing is committed.
            GroupId = options.Group ?? $"fjord-perf-{Guid.NewGuid():N}",
            EnableAutoCommit = useGroup,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            FetchMaxBytes = options.FetchMaxBytes,
            EnablePartitionEof = false,
            SocketConnectionSetupTimeoutMs = (int)Math.Min(options.Timeout.TotalMilliseconds, 30_000),
        };

        using var consumer = new ConsumerBuilder<Ignore, int>(ClientLogging.Configure(config))
            .SetValueDeserializer(PayloadLengthDeserializer.Instance)
            .SetLogHandler(ClientLogging.Write)
            .Build();

        var target = options.NumRecords;
        List<TopicPartitionOffset>? assignment = null;
        if (!useGroup)
        {
            assignment = AllPartitionsFromBeginning(consumer);
            if (options.CapAtRetained)
                target = CapAtRetained(consumer, assignment, target);
        }

        var brokerCpu = BrokerCpuMeter.Start(options.BrokerPid);
        var start = Stopwatch.GetTimestamp();
        if (assignment is null)
            consumer.Subscribe(options.Topic);
        else
            consumer.Assign(assignment);

        var progress = new ProgressWindow("consumed", withLatency: false);
        long records = 0;
        long bytes = 0;
        long firstRecord = 0;
        var lastRecord = start;
        var idleLimit = (long)(options.Timeout.TotalSeconds * Stopwatch.Frequency);
        try
        {
            while (records < target && !cancellation.IsCancellationRequested)
            {
                var result = consumer.Consume(100);
                var now = Stopwatch.GetTimestamp();
                if (result is null)
                {
                    if (now - lastRecord > idleLimit)
                    {
                        throw new TimeoutException(
                            $"consumed {records} of {target} records from {options.Topic}, then nothing for {options.Timeout.TotalSeconds:0}s");
                    }

                    continue;
                }

                if (records == 0)
                    firstRecord = now;
                records++;
                bytes += result.Message.Value;
                lastRecord = now;
                progress.Record(result.Message.Value, 0, now);
            }
        }
        finally
        {
            brokerCpu?.Stop();
            consumer.Close();
        }

        var elapsed = Math.Max(Units.TicksToSec(lastRecord - start), 1e-9);
        var fetchElapsed = Math.Max(Units.TicksToSec(lastRecord - firstRecord), 1e-9);
        return new ConsumeSummary(
            Topic: options.Topic,
            Expected: target,
            Records: records,
            Bytes: bytes,
            ElapsedSec: elapsed,
            RecordsPerSec: records / elapsed,
            MbPerSec: Units.MiB(bytes) / elapsed,
            FirstRecordMs: records == 0 ? -1 : Units.TicksToMs(firstRecord - start),
            FetchRecordsPerSec: Math.Max(records - 1, 0) / fetchElapsed,
            FetchMbPerSec: Units.MiB(bytes) / fetchElapsed,
            BrokerCpu: brokerCpu?.Report(bytes));
    }

    private long CapAtRetained(IConsumer<Ignore, int> consumer, List<TopicPartitionOffset> assignment, long wanted)
    {
        long retained = 0;
        foreach (var partition in assignment)
        {
            var watermarks = consumer.QueryWatermarkOffsets(partition.TopicPartition, options.Timeout);
            retained += watermarks.High.Value - watermarks.Low.Value;
        }

        if (retained >= wanted)
            return wanted;
        Console.Error.WriteLine(
            $"{options.Topic} retains {retained} of the {wanted} records asked for (LogStartOffset moved: retention); consuming {retained}");
        return retained;
    }

    private List<TopicPartitionOffset> AllPartitionsFromBeginning(IConsumer<Ignore, int> consumer)
    {
        using var admin = new DependentAdminClientBuilder(consumer.Handle).Build();
        var metadata = admin.GetMetadata(options.Topic, options.Timeout);
        var topic = metadata.Topics.FirstOrDefault(t => t.Topic == options.Topic);
        if (topic is null || topic.Error.Code != ErrorCode.NoError || topic.Partitions.Count == 0)
            throw new InvalidOperationException($"topic {options.Topic} not found: {topic?.Error.Reason ?? "absent from Metadata"}");
        return topic.Partitions
            .Select(p => new TopicPartitionOffset(options.Topic, p.PartitionId, Offset.Beginning))
            .ToList();
    }
}
