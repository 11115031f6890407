using System.Collections.Concurrent;
using Confluent.Kafka;

namespace Fjord.Broker.Tests.Infrastructure;

/// <summary>
/// A Confluent.Kafka consumer in a group, polled on its own thread so it heartbeats and takes
/// part in rebalances while the test watches its assignment.
/// </summary>
public sealed class GroupMember : IDisposable
{
    private readonly IConsumer<byte[], byte[]> _consumer;
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;
    private readonly Action<IConsumer<byte[], byte[]>, ConsumeResult<byte[], byte[]>>? _onMessage;
    private volatile TopicPartition[] _assignment = [];
    private bool _closed;

    public GroupMember(string bootstrap, string groupId, string topic, Action<ConsumerConfig>? configure = null,
        Action<IConsumer<byte[], byte[]>, ConsumeResult<byte[], byte[]>>? onMessage = null)
    {
        _onMessage = onMessage;
        var config = new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = groupId,
            EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            SessionTimeoutMs = 6000,
            HeartbeatIntervalMs = 500,
            MaxPollIntervalMs = 60000,
        };
        configure?.Invoke(config);
        _consumer = new ConsumerBuilder<byte[], byte[]>(config)
            .SetLogHandler((_, _) => { })
            .SetPartitionsAssignedHandler((c, added) => { Assigned(c, added); })
            .SetPartitionsRevokedHandler((c, revoked) => { Revoked(c, revoked); })
            .SetPartitionsLostHandler((c, lost) => { Revoked(c, lost.Select(l => l).ToList()); })
            .Build();
        _consumer.Subscribe(topic);
        _thread = new Thread(Run) { IsBackground = true, Name = $"member-{groupId}" };
        _thread.Start();
    }

    public ConcurrentQueue<string> Events { get; } = new();

    public IReadOnlySet<int> Partitions => _assignment.Select(p => p.Partition.Value).ToHashSet();

    public IConsumer<byte[], byte[]> Consumer => _consumer;

    private void Assigned(IConsumer<byte[], byte[]> consumer, List<TopicPartition> added)
    {
        // The cooperative protocol hands over increments; eager ones the whole new set.
        var incremental = consumer.Assignment;
        _assignment = incremental.Count > 0 ? [.. incremental.Union(added)] : [.. added];
        Events.Enqueue($"assigned {string.Join(',', added.Select(p => p.Partition.Value))}");
    }

    private void Revoked(IConsumer<byte[], byte[]> consumer, List<TopicPartitionOffset> revoked)
    {
        var gone = revoked.Select(r => r.TopicPartition).ToHashSet();
        _assignment = [.. _assignment.Where(p => !gone.Contains(p))];
        Events.Enqueue($"revoked {string.Join(',', revoked.Select(p => p.Partition.Value))}");
    }

    private void Run()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var result = _consumer.Consume(TimeSpan.FromMilliseconds(100));
                if (result is { IsPartitionEOF: false, Message: not null }) _onMessage?.Invoke(_consumer, result);
            }
            catch (ConsumeException e)
            {
                Events.Enqueue($"error {e.Error.Code}");
            }
            catch (KafkaException e) when (_stop.IsCancellationRequested || e.Error.Code == ErrorCode.Local_State)
            {
                break;
            }
        }
    }

    /// <summary>Leaves the group (LeaveGroup) and stops.</summary>
    public void Close()
    {
        if (_closed) return;
        _closed = true;
        _stop.Cancel();
        _thread.Join(TimeSpan.FromSeconds(30));
        _consumer.Close();
    }

    public void Dispose()
    {
        Close();
        _consumer.Dispose();
        _stop.Dispose();
    }
}
