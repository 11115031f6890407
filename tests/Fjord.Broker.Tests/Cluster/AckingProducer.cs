using System.Collections.Concurrent;
using System.Text;
using Confluent.Kafka;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Testing;

namespace Fjord.Broker.Tests.Cluster;

/// <summary>
/// Sends numbered messages (<c>tag-0000042</c>) round-robin over a topic's partitions on a thread of
/// its own and remembers where each acknowledged one was acknowledged. acks=all, no idempotence
/// (Fjord does not support it), retries without end inside a long message timeout: a retry after a
/// lost response can write a message twice, which is Kafka's at-least-once and allowed; what is not
/// allowed is two acknowledgements for the same offset, or an acknowledged offset that later holds
/// something else.
/// </summary>
public sealed class AckingProducer : IDisposable
{
    private const int MaxErrorsKept = 20;

    private readonly IProducer<byte[], byte[]> _producer;
    private readonly string _topic;
    private readonly int _partitions;
    private readonly string _tag;
    private readonly int _messagesPerSecond;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<string> _errors = new();
    private readonly ConcurrentQueue<string> _collisions = new();
    private Task _sending = Task.CompletedTask;
    private long _acked;
    private long _failed;
    private long _sent;

    /// <param name="messagesPerSecond">A steady rate (0: as fast as the cluster takes them), so a test that runs for a fixed time writes a bounded log.</param>
    public AckingProducer(string bootstrap, string topic, int partitions, string tag, Action<ProducerConfig>? configure = null, int messagesPerSecond = 0)
    {
        _messagesPerSecond = messagesPerSecond;
        _topic = topic;
        _partitions = partitions;
        _tag = tag;
        var config = KafkaClients.ProducerConfig(bootstrap, Acks.All);
        config.EnableIdempotence = false;
        config.MessageSendMaxRetries = int.MaxValue;
        config.RetryBackoffMs = 100;
        config.RetryBackoffMaxMs = 1000;
        config.ReconnectBackoffMs = 100;
        config.ReconnectBackoffMaxMs = 1000;
        config.MessageTimeoutMs = 120_000;
        config.RequestTimeoutMs = 10_000;
        config.SocketTimeoutMs = 10_000;
        config.LingerMs = 5;
        config.QueueBufferingMaxMessages = 20_000;
        configure?.Invoke(config);
        _producer = KafkaClients.Producer(config);
    }

    /// <summary>Acknowledged value by (partition, offset).</summary>
    public ConcurrentDictionary<(int Partition, long Offset), string> Acknowledged { get; } = new();

    public long Acked => Interlocked.Read(ref _acked);

    public long Failed => Interlocked.Read(ref _failed);

    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>The first delivery errors, for a failure message.</summary>
    public IReadOnlyCollection<string> Errors => _errors;

    /// <summary>Offsets acknowledged twice: each one is an acknowledged write that was overwritten.</summary>
    public IReadOnlyCollection<string> Collisions => _collisions;

    /// <summary>Completes when every message has been handed to the client (not yet acknowledged).</summary>
    public Task Sending => _sending;

    public static string Value(string tag, int number) => $"{tag}-{number:D7}";

    /// <summary>Starts sending <paramref name="count"/> messages (or until <see cref="StopSending"/>) in the background.</summary>
    public void Start(int count) =>
        _sending = Task.Factory.StartNew(() => SendLoop(count), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    public void StopSending() => _stop.Cancel();

    public Task WaitForAcksAsync(long count, TimeSpan timeout, string why) =>
        Poll.UntilAsync(() => Acked >= count, timeout, $"{count} acknowledged messages ({why}); have {Acked}, {Failed} failed");

    /// <summary>Stops sending and waits (bounded) for every outstanding message's delivery report.</summary>
    public async Task FinishAsync(TimeSpan timeout)
    {
        StopSending();
        await _sending;
        await Task.Run(() => _producer.Flush(timeout));
    }

    public string Summary() =>
        $"{_tag}: sent {Sent}, acked {Acked}, failed {Failed}; first errors: {string.Join("; ", _errors)}";

    public void Dispose()
    {
        _stop.Cancel();
        _producer.Dispose();
        _stop.Dispose();
    }

    private void SendLoop(int count)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < count && !_stop.IsCancellationRequested; i++)
        {
            if (_messagesPerSecond > 0)
            {
                // Throttle, not a wait for a state: message i is due at i / rate seconds.
                var ahead = TimeSpan.FromSeconds((double)i / _messagesPerSecond) - clock.Elapsed;
                if (ahead > TimeSpan.Zero)
                    _stop.Token.WaitHandle.WaitOne(ahead);
            }


            var value = Value(_tag, i);
            var message = new Message<byte[], byte[]> { Value = Encoding.UTF8.GetBytes(value) };
            while (true)
            {
                try
                {
                    _producer.Produce(new TopicPartition(_topic, i % _partitions), message, report => OnDelivery(report, value));
                    Interlocked.Increment(ref _sent);
                    break;
                }
                catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                {
                    if (_stop.IsCancellationRequested)
                        return;
                    _producer.Poll(TimeSpan.FromMilliseconds(20));
                }
            }
        }
    }

    private void OnDelivery(DeliveryReport<byte[], byte[]> report, string value)
    {
        if (report.Error.IsError)
        {
            Interlocked.Increment(ref _failed);
            if (_errors.Count < MaxErrorsKept)
                _errors.Enqueue($"{value}: {report.Error.Code} {report.Error.Reason}");
            return;
        }

        var key = (report.Partition.Value, report.Offset.Value);
        if (!Acknowledged.TryAdd(key, value) && _collisions.Count < MaxErrorsKept)
            _collisions.Enqueue($"{report.Partition.Value}/{report.Offset.Value} acknowledged for {Acknowledged[key]} and again for {value}");
        Interlocked.Increment(ref _acked);
    }
}
