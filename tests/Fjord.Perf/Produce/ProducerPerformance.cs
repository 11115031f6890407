using System.Diagnostics;
using Confluent.Kafka;
using Fjord.Perf.Cluster;
using Fjord.Perf.Reporting;
using Fjord.Perf.Suite;

namespace Fjord.Perf.Produce;

/// <summary>
/// Fjord's kafka-producer-perf-test: sends N records of a fixed size as fast as allowed and
/// measures throughput and per-record latency (send call to delivery report).
/// </summary>
/// <remarks>
/// The send loop allocates nothing of its own: payloads and <see cref="Message{TKey,TValue}"/>
/// objects are precomputed, partitions are <see cref="TopicPartition"/> instances built once,
/// the delivery handler is one cached delegate, and latency lives in a preallocated array.
/// Records go round-robin to explicit partitions, so record <c>i</c> is the <c>i / P</c>-th
/// record of partition <c>i % P</c>; librdkafka reports deliveries of a partition in the
/// order they were produced, so the k-th report of partition p is record <c>p + k * P</c>.
/// That is how a report is matched to its send timestamp without a closure per record.
/// </remarks>
internal sealed class ProducerPerformance
{
    private const int DistinctPayloads = 16;
    private readonly ProduceOptions _options;
    private readonly ClusterConnection _cluster;
    private readonly Action<DeliveryReport<Null, byte[]>> _onDelivery;
    private readonly Lock _deliveryLock = new();
    private LatencyRecorder _latency = null!;
    private ProgressWindow _progress = null!;
    private long[] _deliveredPerPartition = [];
    private int _partitions;
    private long _completed;
    private long _failed;
    private long _lastDeliveryTimestamp;
    private string? _firstError;

    public ProducerPerformance(ProduceOptions options, ClusterConnection cluster)
    {
        _options = options;
        _cluster = cluster;
        _onDelivery = OnDelivery;
    }

    public ProduceSummary Run(CancellationToken cancellation)
    {
        _partitions = PreparePartitions();
        var records = (int)_options.NumRecords;
        _latency = new LatencyRecorder(records);
        _progress = new ProgressWindow("sent", withLatency: true);
        _deliveredPerPartition = new long[_partitions];

        var targets = Enumerable.Range(0, _partitions).Select(p => new TopicPartition(_options.Topic, p)).ToArray();
        var messages = BuildMessages(_options.RecordSize);

        long start;
        var sent = 0;
        // From after topic creation and metadata to the last delivery report: the broker's work on the records.
        var brokerCpu = BrokerCpuMeter.Start(_options.BrokerPid);
        using (var producer = new ProducerBuilder<Null, byte[]>(ClientLogging.Configure(ProducerConfig()))
            .SetLogHandler(ClientLogging.Write)
            .Build())
        {
            var transactional = _options.TransactionalId is not null;
            if (transactional)
                producer.InitTransactions(_options.Timeout);
            start = Stopwatch.GetTimestamp();
            var throttler = new ThroughputThrottler(_options.Throughput, start);
            if (transactional)
                producer.BeginTransaction();
            for (; sent < records && !cancellation.IsCancellationRequested; sent++)
            {
                throttler.WaitTurn(sent);
                _latency.MarkSent(sent, Stopwatch.GetTimestamp());
                Send(producer, targets[sent % _partitions], messages[sent % messages.Length]);
                if (transactional && (sent + 1) % _options.TransactionRecords == 0)
                {
                    // As kafka-producer-perf-test does: the commit waits for the transaction's records,
                    // so its cost lands in their latency and in the throughput.
                    producer.CommitTransaction(_options.Timeout);
                    producer.BeginTransaction();
                }
            }

            if (transactional)
                producer.CommitTransaction(_options.Timeout);
            AwaitDeliveryReports(sent);
            brokerCpu?.Stop();
        }

        // Disposing the producer joined its delivery-report thread: every report seen is counted.
        var end = Interlocked.Read(ref _completed) > 0 ? Volatile.Read(ref _lastDeliveryTimestamp) : Stopwatch.GetTimestamp();
        var unreported = MarkUnreportedAsFailed(sent);
        var summary = Summarize(sent, start, end, unreported);
        return brokerCpu is null ? summary : summary with { BrokerCpu = brokerCpu.Report((double)summary.Records * _options.RecordSize) };
    }

    /// <summary>
    /// Waits for every delivery report instead of calling Flush: rd_kafka_flush serves delivery
    /// reports on the calling thread too, which would run the handler on two threads at once and
    /// break the per-partition report order the record matching relies on. message.timeout.ms
    /// bounds every record, so librdkafka fails undelivered records and the wait ends.
    /// </summary>
    private void AwaitDeliveryReports(int records)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)((_options.Timeout.TotalSeconds + 10) * Stopwatch.Frequency);
        while (Interlocked.Read(ref _completed) < records && Stopwatch.GetTimestamp() < deadline)
            Thread.Sleep(1);
    }

    private int PreparePartitions()
    {
        if (_options.CreateTopic)
            _cluster.CreateTopic(_options.Topic, _options.Partitions, _options.ReplicationFactor, _options.Timeout);

        var actual = TopicAdmin.PartitionCount(_cluster.BootstrapServers, _options.Topic, _options.Timeout);
        if (actual == 0)
            throw new InvalidOperationException($"topic {_options.Topic} does not exist or has no partition leader (pass --create-topic to create it)");
        if (actual != _options.Partitions)
            Console.Error.WriteLine($"topic {_options.Topic} has {actual} partitions with a leader, not {_options.Partitions}; producing to all {actual}");
        return actual;
    }

    private ProducerConfig ProducerConfig() => new()
    {
        BootstrapServers = _cluster.BootstrapServers,
        ClientId = "fjord-perf-producer",
        Acks = _options.Acks,
        EnableIdempotence = _options.EnableIdempotence || _options.TransactionalId is not null,
        TransactionalId = _options.TransactionalId,
        // librdkafka requires message.timeout.ms <= transaction.timeout.ms.
        TransactionTimeoutMs = _options.TransactionalId is null ? null : (int)_options.Timeout.TotalMilliseconds,
        MaxInFlight = _options.MaxInFlight,
        CompressionType = _options.Compression,
        LingerMs = _options.LingerMs,
        BatchSize = _options.BatchSize,
        MessageTimeoutMs = (int)_options.Timeout.TotalMilliseconds,
        SocketConnectionSetupTimeoutMs = (int)Math.Min(_options.Timeout.TotalMilliseconds, 30_000),
        // The report needs only partition and error; not copying key/value/headers back saves work per record.
        DeliveryReportFields = "none",
    };

    private void Send(IProducer<Null, byte[]> producer, TopicPartition target, Message<Null, byte[]> message)
    {
        while (true)
        {
            try
            {
                producer.Produce(target, message, _onDelivery);
                return;
            }
            catch (ProduceException<Null, byte[]> ex) when (ex.Error.Code == ErrorCode.Local_QueueFull)
            {
                // Like Kafka's send() blocking on a full buffer: the wait counts in this record's latency.
                Thread.Sleep(1);
            }
        }
    }

    // Runs on Confluent.Kafka's delivery-report (poll) thread. The lock is uncontended there and
    // only guards against librdkafka serving reports on another thread as well.
    private void OnDelivery(DeliveryReport<Null, byte[]> report)
    {
        lock (_deliveryLock)
            HandleDelivery(report, Stopwatch.GetTimestamp());
    }

    private void HandleDelivery(DeliveryReport<Null, byte[]> report, long now)
    {
        var partition = report.Partition.Value;
        if ((uint)partition >= (uint)_partitions)
        {
            RecordError($"delivery report for unexpected partition {partition}: {report.Error.Reason}");
            return;
        }

        var record = (int)(partition + (_deliveredPerPartition[partition]++ * _partitions));
        if (report.Error.IsError)
        {
            _latency.MarkFailed(record);
            RecordError(report.Error.Reason);
        }
        else
        {
            var latency = _latency.MarkDelivered(record, now);
            _progress.Record(_options.RecordSize, latency, now);
        }

        Volatile.Write(ref _lastDeliveryTimestamp, now);
        Interlocked.Increment(ref _completed);
    }

    private void RecordError(string reason)
    {
        _firstError ??= reason;
        Interlocked.Increment(ref _failed);
    }

    /// <summary>Records with no delivery report after the flush deadline count as failed.</summary>
    private long MarkUnreportedAsFailed(int records)
    {
        long unreported = 0;
        for (var p = 0; p < _partitions; p++)
        {
            for (var record = (long)p + (_deliveredPerPartition[p] * _partitions); record < records; record += _partitions)
            {
                _latency.MarkFailed((int)record);
                unreported++;
            }
        }

        if (unreported > 0)
            _firstError ??= $"{unreported} records got no delivery report before the deadline";
        return unreported;
    }

    private ProduceSummary Summarize(int sent, long start, long end, long unreported)
    {
        var failed = Interlocked.Read(ref _failed) + unreported;
        var delivered = sent - failed;
        var elapsed = Math.Max(Units.TicksToSec(end - start), 1e-9);
        return new ProduceSummary(
            Topic: _options.Topic,
            Partitions: _partitions,
            RecordSize: _options.RecordSize,
            Acks: ProduceOptions.AcksName(_options.Acks),
            Compression: _options.Compression.ToString().ToLowerInvariant(),
            Records: delivered,
            Failed: failed,
            ElapsedSec: elapsed,
            RecordsPerSec: delivered / elapsed,
            MbPerSec: Units.MiB((double)delivered * _options.RecordSize) / elapsed,
            Latency: _latency.Summarize(),
            FirstError: _firstError);
    }

    /// <summary>
    /// A few distinct payloads of random uppercase letters (what kafka-producer-perf-test sends),
    /// so compressed runs do not compress one repeated array to nothing.
    /// </summary>
    private static Message<Null, byte[]>[] BuildMessages(int recordSize)
    {
        var random = new Random(20240601);
        var messages = new Message<Null, byte[]>[DistinctPayloads];
        for (var m = 0; m < messages.Length; m++)
        {
            var payload = new byte[recordSize];
            for (var b = 0; b < payload.Length; b++)
                payload[b] = (byte)('A' + random.Next(26));
            messages[m] = new Message<Null, byte[]> { Value = payload };
        }

        return messages;
    }
}
