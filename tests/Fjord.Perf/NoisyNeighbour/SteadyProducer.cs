using System.Diagnostics;
using Confluent.Kafka;
using Fjord.Perf.Cluster;

namespace Fjord.Perf.NoisyNeighbour;

/// <summary>
/// The well-behaved tenant: one producer sending records at a steady rate on its own thread for as long as it runs,
/// each tagged with the phase that is current when it is sent (<see cref="Phase"/>), its latency being the
/// <c>Produce</c> call to its delivery report. With a rate of 0 it sends as fast as the broker takes records and
/// records no latency: the capacity run, measured by <see cref="Delivered"/> between two moments.
/// </summary>
/// <remarks>
/// As in <see cref="Produce.ProducerPerformance"/>: records go round-robin to explicit partitions and librdkafka
/// reports a partition's deliveries in the order they were produced, so the k-th report of partition p is record
/// <c>p + k * P</c>, and the send loop allocates nothing of its own. A full librdkafka queue makes the loop wait,
/// and the wait counts in the record's latency, like Kafka's send() blocking.
/// </remarks>
internal sealed class SteadyProducer : IDisposable
{
    private readonly ProducerConfig _config;
    private readonly TopicPartition[] _targets;
    private readonly Message<Null, byte[]>[] _messages;
    private readonly double _recordsPerSec;
    private readonly PhaseLatencies? _latencies;
    private readonly long[] _deliveredPerPartition;
    private readonly Action<DeliveryReport<Null, byte[]>> _onDelivery;
    private readonly Lock _deliveryLock = new();
    private readonly CancellationTokenSource _stop = new();
    private IProducer<Null, byte[]>? _producer;
    private Thread? _thread;
    private int _phase;
    private int _sent;
    private long _delivered;
    private long _failed;
    private string? _firstError;

    /// <param name="recordsPerSec">The steady rate; 0 for as fast as possible (no latency is recorded then).</param>
    /// <param name="maxRecords">Slots for the records' latencies: the loop stops sending when they are used up.</param>
    public SteadyProducer(ProducerConfig config, string topic, int partitions, int recordSize, double recordsPerSec, int maxRecords)
    {
        _config = config;
        _targets = Enumerable.Range(0, partitions).Select(p => new TopicPartition(topic, p)).ToArray();
        _messages = Payloads.Build(recordSize, seed: 20261207);
        _recordsPerSec = recordsPerSec;
        _latencies = recordsPerSec > 0 ? new PhaseLatencies(maxRecords) : null;
        _deliveredPerPartition = new long[partitions];
        _onDelivery = OnDelivery;
    }

    /// <summary>The phase records sent from now on belong to (0: none, not measured).</summary>
    public byte Phase
    {
        get => (byte)Volatile.Read(ref _phase);
        set => Volatile.Write(ref _phase, value);
    }

    public int Sent => Volatile.Read(ref _sent);

    public long Delivered => Interlocked.Read(ref _delivered);

    public long Failed => Interlocked.Read(ref _failed);

    public string? FirstError => Volatile.Read(ref _firstError);

    /// <summary>True when the loop stopped early because every latency slot was used.</summary>
    public bool RanOutOfSlots { get; private set; }

    public void Start()
    {
        _producer = new ProducerBuilder<Null, byte[]>(_config).SetLogHandler(ClientLogging.Write).Build();
        _thread = new Thread(SendLoop) { IsBackground = true, Name = "steady-producer" };
        _thread.Start();
    }

    /// <summary>Stops sending and waits (at most <paramref name="drainTimeout"/>) for every sent record's delivery report.</summary>
    public void Stop(TimeSpan drainTimeout)
    {
        _stop.Cancel();
        _thread?.Join();
        var deadline = Stopwatch.GetTimestamp() + (long)(drainTimeout.TotalSeconds * Stopwatch.Frequency);
        while (Delivered + Failed < Sent && Stopwatch.GetTimestamp() < deadline)
            Thread.Sleep(5);
    }

    /// <summary>The phase's records; call after <see cref="Stop"/>.</summary>
    public PhaseLatency Summarize(byte phase) =>
        _latencies?.Summarize(phase, Sent) ?? throw new InvalidOperationException("a producer without a rate records no latency");

    public void Dispose()
    {
        _stop.Cancel();
        _thread?.Join();
        _producer?.Dispose();
        _stop.Dispose();
    }

    private void SendLoop()
    {
        var producer = _producer!;
        var pacer = new SteadyPacer(_recordsPerSec, Stopwatch.GetTimestamp());
        var token = _stop.Token;
        var limit = _latencies?.Capacity ?? int.MaxValue;
        for (var record = 0; !token.IsCancellationRequested; record++)
        {
            if (record == limit)
            {
                RanOutOfSlots = true;
                return;
            }

            pacer.WaitTurn(record, token);
            if (token.IsCancellationRequested)
                return;
            _latencies?.MarkSent(record, Stopwatch.GetTimestamp(), Phase);
            if (!Send(producer, _targets[record % _targets.Length], _messages[record % _messages.Length], token))
                return;
            Volatile.Write(ref _sent, record + 1);
        }
    }

    private bool Send(IProducer<Null, byte[]> producer, TopicPartition target, Message<Null, byte[]> message, CancellationToken token)
    {
        while (true)
        {
            try
            {
                producer.Produce(target, message, _onDelivery);
                return true;
            }
            catch (ProduceException<Null, byte[]> ex) when (ex.Error.Code == ErrorCode.Local_QueueFull)
            {
                if (token.IsCancellationRequested)
                    return false;
                Thread.Sleep(1);
            }
        }
    }

    // Runs on Confluent.Kafka's delivery-report thread; the lock is uncontended there.
    private void OnDelivery(DeliveryReport<Null, byte[]> report)
    {
        var now = Stopwatch.GetTimestamp();
        lock (_deliveryLock)
        {
            var partition = report.Partition.Value;
            if ((uint)partition >= (uint)_deliveredPerPartition.Length)
            {
                Interlocked.CompareExchange(ref _firstError, $"delivery report for unexpected partition {partition}: {report.Error.Reason}", null);
                Interlocked.Increment(ref _failed);
                return;
            }

            var record = (int)(partition + (_deliveredPerPartition[partition]++ * _targets.Length));
            if (report.Error.IsError)
            {
                _latencies?.MarkFailed(record);
                Interlocked.CompareExchange(ref _firstError, report.Error.Reason, null);
                Interlocked.Increment(ref _failed);
                return;
            }

            _latencies?.MarkDelivered(record, now);
            Interlocked.Increment(ref _delivered);
        }
    }
}
