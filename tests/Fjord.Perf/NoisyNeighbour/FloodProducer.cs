using System.Diagnostics;
using Confluent.Kafka;
using Fjord.Perf.Cluster;

namespace Fjord.Perf.NoisyNeighbour;

/// <summary>
/// The noisy tenant: tries to send at a fixed rate (a multiple of its quota) on its own thread. A record that does not
/// fit in librdkafka's queue is dropped and counted, not waited for: the tenant keeps trying at its rate, and what the
/// broker lets through is bounded by the quota (the broker throttles and mutes the connection), not by this loop.
/// The queue is kept small so that stopping does not leave seconds of queued records behind.
/// </summary>
internal sealed class FloodProducer : INoisyTenant
{
    private readonly ProducerConfig _config;
    private readonly TopicPartition[] _targets;
    private readonly Message<Null, byte[]>[] _messages;
    private readonly double _recordsPerSec;
    private readonly Action<DeliveryReport<Null, byte[]>> _onDelivery;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _throttleLock = new();
    private IProducer<Null, byte[]>? _producer;
    private Thread? _thread;
    private ThrottleWindow _throttle;
    private long _attempts;
    private long _refused;
    private long _delivered;
    private long _failed;
    private string? _firstError;

    public FloodProducer(ProducerConfig config, string topic, int partitions, int recordSize, double recordsPerSec)
    {
        _config = config;
        _targets = Enumerable.Range(0, partitions).Select(p => new TopicPartition(topic, p)).ToArray();
        _messages = Payloads.Build(recordSize, seed: 5);
        _recordsPerSec = recordsPerSec;
        _onDelivery = OnDelivery;
    }

    public int ProcessId => Environment.ProcessId;

    public string? FirstError => Volatile.Read(ref _firstError);

    /// <summary>What the tenant has tried, what its client refused locally, what was delivered, and the throttling seen.</summary>
    public FloodCounters Snapshot()
    {
        lock (_throttleLock)
        {
            return new FloodCounters(Interlocked.Read(ref _attempts), Interlocked.Read(ref _refused), Interlocked.Read(ref _delivered),
                Interlocked.Read(ref _failed), _throttle, Stopwatch.GetTimestamp());
        }
    }

    public void Start()
    {
        _producer = new ProducerBuilder<Null, byte[]>(_config)
            .SetLogHandler(ClientLogging.Write)
            .SetStatisticsHandler((_, json) =>
            {
                var window = ThrottleStatistics.Parse(json);
                lock (_throttleLock)
                    _throttle += window;
            })
            .Build();
        _thread = new Thread(SendLoop) { IsBackground = true, Name = "flood-producer" };
        _thread.Start();
    }

    /// <summary>Stops sending and drops whatever is still queued: the noisy tenant simply goes away.</summary>
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
        var fullUntil = 0L;
        for (long attempt = 0; !token.IsCancellationRequested; attempt++)
        {
            pacer.WaitTurn(attempt, token);
            if (token.IsCancellationRequested)
                return;
            Interlocked.Increment(ref _attempts);
            // A full queue stays full for a while (the broker is holding this tenant back): the records due in the next
            // millisecond count as refused without asking, because each refusal is a thrown exception, and tens of
            // thousands a second would take a core of this shared machine from the broker being measured.
            if (Stopwatch.GetTimestamp() < fullUntil)
            {
                Interlocked.Increment(ref _refused);
                continue;
            }

            try
            {
                producer.Produce(_targets[attempt % _targets.Length], _messages[attempt % _messages.Length], _onDelivery);
            }
            catch (ProduceException<Null, byte[]> ex) when (ex.Error.Code == ErrorCode.Local_QueueFull)
            {
                Interlocked.Increment(ref _refused);
                fullUntil = Stopwatch.GetTimestamp() + (Stopwatch.Frequency / 1000);
            }
        }
    }

    private void OnDelivery(DeliveryReport<Null, byte[]> report)
    {
        if (!report.Error.IsError)
        {
            Interlocked.Increment(ref _delivered);
            return;
        }

        // Records purged when the producer is disposed are the tenant leaving, not a failure of the broker.
        if (report.Error.Code is ErrorCode.Local_Destroy or ErrorCode.Local_PurgeQueue or ErrorCode.Local_PurgeInflight)
            return;
        Interlocked.CompareExchange(ref _firstError, report.Error.Reason, null);
        Interlocked.Increment(ref _failed);
    }
}
