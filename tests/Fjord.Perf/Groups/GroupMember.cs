using System.Diagnostics;
using Confluent.Kafka;
using Fjord.Perf.Cluster;

namespace Fjord.Perf.Groups;

/// <summary>
/// One consumer of the rebalance group, polled on its own thread as a real application would.
/// A Confluent.Kafka consumer is not thread-safe, so the same thread subscribes, polls, and on
/// request closes it (Close sends LeaveGroup: dynamic members leave at once, the group does not
/// wait for the session timeout).
/// </summary>
internal sealed class GroupMember
{
    private readonly int _id;
    private readonly ConsumerConfig _config;
    private readonly string _topic;
    private readonly AssignmentBoard _board;
    private readonly Thread _thread;
    private volatile bool _stop;
    private long _subscribedAt;
    private long _closeStartedAt;

    public GroupMember(int id, ConsumerConfig config, string topic, AssignmentBoard board)
    {
        _id = id;
        _config = config;
        _topic = topic;
        _board = board;
        _thread = new Thread(Run) { IsBackground = true, Name = $"fjord-perf-member-{id}" };
    }

    public int Id => _id;

    /// <summary>Stopwatch timestamp just before Subscribe; 0 until the thread got there.</summary>
    public long SubscribedAt => Interlocked.Read(ref _subscribedAt);

    /// <summary>Stopwatch timestamp just before Close(); 0 until the thread got there.</summary>
    public long CloseStartedAt => Interlocked.Read(ref _closeStartedAt);

    /// <summary>The error that ended the poll loop early, if any.</summary>
    public Exception? Failure { get; private set; }

    public static ConsumerConfig Config(string bootstrapServers, string group, int id) => new()
    {
        BootstrapServers = bootstrapServers,
        GroupId = group,
        ClientId = $"fjord-perf-member-{id}",
        SessionTimeoutMs = RebalanceOptions.SessionTimeoutMs,
        HeartbeatIntervalMs = RebalanceOptions.HeartbeatIntervalMs,
        // Eager: every rebalance revokes and re-assigns every member, which is what the
        // "assigned after the leave" test of AssignmentBoard relies on.
        PartitionAssignmentStrategy = PartitionAssignmentStrategy.Range,
        EnableAutoCommit = false,
        AutoOffsetReset = AutoOffsetReset.Latest,
        EnablePartitionEof = false,
    };

    public void Start() => _thread.Start();

    public void RequestClose() => _stop = true;

    public bool WaitClosed(TimeSpan timeout) => _thread.Join(timeout);

    private void Run()
    {
        try
        {
            using var consumer = new ConsumerBuilder<Ignore, Ignore>(ClientLogging.Configure(_config))
                .SetLogHandler(ClientLogging.Write)
                .SetPartitionsAssignedHandler((_, partitions) => _board.Assigned(_id, partitions.Select(p => p.Partition.Value)))
                .SetPartitionsRevokedHandler((_, partitions) => _board.Released(_id, partitions.Select(p => p.Partition.Value)))
                .SetPartitionsLostHandler((_, partitions) => _board.Released(_id, partitions.Select(p => p.Partition.Value)))
                .Build();

            Interlocked.Exchange(ref _subscribedAt, Stopwatch.GetTimestamp());
            consumer.Subscribe(_topic);
            try
            {
                while (!_stop)
                    consumer.Consume(100);
            }
            catch (ConsumeException ex)
            {
                Failure = ex;
            }

            Interlocked.Exchange(ref _closeStartedAt, Stopwatch.GetTimestamp());
            consumer.Close();
        }
        catch (KafkaException ex)
        {
            Failure ??= ex;
        }
        finally
        {
            _board.Forget(_id);
        }
    }
}
