using Fjord.Broker.Metadata;
using Fjord.Broker.Observability;
using Fjord.Cluster;
using Fjord.Log;
using Fjord.Protocol;
using Fjord.Tiering;
using Microsoft.Extensions.Logging;

namespace Fjord.Broker.Partitions;

/// <summary>
/// One partition replica on this broker (Kafka's Partition): the log plus its role. As leader it
/// tracks each follower's log end offset, moves the high watermark to what the whole ISR holds,
/// and proposes ISR changes to the controller store by compare-and-swap; as follower it is fed by
/// a <see cref="ReplicaFetcher"/>. The role comes only from the controller's partition state, so a
/// leader that lost its office (a newer leader epoch) stops acting on the old one.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001",
    Justification = "The role lock lives as long as the replica; a removed replica may still be in use by in-flight requests, so nothing disposes it early.")]
public sealed partial class Partition : ITieredReplica
{
    private readonly ReaderWriterLockSlim _roleLock = new(LockRecursionPolicy.NoRecursion);
    private readonly Lock _isrLock = new();
    private readonly int _localId;
    private readonly IControllerStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Dictionary<int, FollowerProgress> _followers = [];
    private PartitionState? _state;
    private int[] _isr = [];
    private int[] _maximalIsr = [];
    private bool _alterInFlight;
    private long _alterBackoffUntilMs;
    private long _leaderEpochStartOffset;

    private readonly Func<int, bool> _eligibleForIsr;
    private readonly IsrChangeMetrics? _isrChanges;

    internal Partition(TopicMetadata topic, int index, PartitionLog log, int localId, IControllerStore store, TimeProvider time, ILogger logger,
        Func<int, bool>? eligibleForIsr = null, IsrChangeMetrics? isrChanges = null)
    {
        _isrChanges = isrChanges;
        _eligibleForIsr = eligibleForIsr ?? (_ => true);
        Topic = topic;
        Index = index;
        Log = log;
        _localId = localId;
        _store = store;
        _time = time;
        _logger = logger;
    }

    public TopicMetadata Topic { get; private set; }

    public int Index { get; }

    public PartitionLog Log { get; }

    public TopicPartitionKey Key => new(Topic.Name, Index);

    string ITieredReplica.Topic => Topic.Name;

    int ITieredReplica.Partition => Index;

    /// <summary>Fires on every high-watermark move and every role change: what fetch long-polls and acks=all producers wait on.</summary>
    public HighWatermarkSignal Signal { get; } = new();

    /// <summary>
    /// Called after every move a waiting request may care about: the high watermark, the leader's log end
    /// (followers wait on it) and the role. The replica manager completes delayed fetches and produces.
    /// </summary>
    internal Action<Partition>? Changed { get; init; }

    private void NotifyChanged()
    {
        Signal.Advanced();
        Changed?.Invoke(this);
    }

    public bool IsLeader { get; private set; }

    public int Leader { get; private set; } = PartitionState.NoLeader;

    public int LeaderEpoch { get; private set; } = -1;

    public PartitionState? State => _state;

    /// <summary>The ISR as the controller store has it.</summary>
    public IReadOnlyList<int> Isr
    {
        get
        {
            lock (_isrLock) return _isr;
        }
    }

    /// <summary>
    /// Led with fewer in-sync replicas than the replication factor (Kafka's isUnderReplicated); during a
    /// reassignment the factor is the original replica set's, not the union's.
    /// </summary>
    public bool IsUnderReplicated
    {
        get
        {
            lock (_isrLock)
                return IsLeader && _state is { } state && state.Replicas.Count - (state.AddingReplicas?.Count ?? 0) > _isr.Length;
        }
    }

    internal void UpdateTopic(TopicMetadata topic) => Topic = topic;

    /// <summary>
    /// Applies the controller's state. Returns true when this broker's role or leader epoch changed,
    /// so the caller re-points the replica fetchers.
    /// </summary>
    public bool Apply(PartitionState state)
    {
        // Every metadata change re-applies every partition's state. One that is not newer than what
        // this replica holds changes nothing: it must neither stall producers on the role lock nor
        // wake every long-polling fetch. (An older one is a slow poll after an ISR change we made.)
        if (IsNotNewer(Volatile.Read(ref _state), state)) return false;
        _roleLock.EnterWriteLock();
        try
        {
            if (IsNotNewer(_state, state)) return false;
            var roleChanged = state.Leader != Leader || state.LeaderEpoch != LeaderEpoch;
            Volatile.Write(ref _state, state);
            if (state.Leader == _localId)
            {
                if (!IsLeader || roleChanged) BecomeLeader(state);
                else UpdateIsr(state);
            }
            else
            {
                IsLeader = false;
                Leader = state.Leader;
                LeaderEpoch = state.LeaderEpoch;
                lock (_isrLock)
                {
                    _isr = [.. state.Isr];
                    _maximalIsr = _isr;
                    _followers.Clear();
                }
            }
            if (roleChanged) LogRole(Topic.Name, Index, state.Leader == _localId ? "leader" : "follower", state.LeaderEpoch, string.Join(',', state.Isr));
            return roleChanged;
        }
        finally
        {
            _roleLock.ExitWriteLock();
            NotifyChanged();
        }
    }

    private static bool IsNotNewer(PartitionState? current, PartitionState state) =>
        current is not null && (state.LeaderEpoch < current.LeaderEpoch ||
            (state.LeaderEpoch == current.LeaderEpoch && state.PartitionEpoch <= current.PartitionEpoch));

    private void BecomeLeader(PartitionState state)
    {
        IsLeader = true;
        Leader = _localId;
        LeaderEpoch = state.LeaderEpoch;
        Log.AssignLeaderEpoch(state.LeaderEpoch);
        _leaderEpochStartOffset = Log.LogEndOffset;
        var now = NowMs();
        lock (_isrLock)
        {
            _followers.Clear();
            foreach (var replica in state.Replicas.Concat(state.AddingReplicas ?? []).Distinct())
                if (replica != _localId)
                    _followers[replica] = new FollowerProgress(replica, now) { LastFetchLeaderLogEndOffset = Log.LogEndOffset };
            _isr = [.. state.Isr];
            _maximalIsr = _isr;
            _alterInFlight = false;
        }
        MaybeAdvanceHighWatermark();
    }

    private void UpdateIsr(PartitionState state)
    {
        var now = NowMs();
        lock (_isrLock)
        {
            foreach (var replica in state.Replicas.Concat(state.AddingReplicas ?? []).Distinct())
                if (replica != _localId && !_followers.ContainsKey(replica))
                    _followers[replica] = new FollowerProgress(replica, now) { LastFetchLeaderLogEndOffset = Log.LogEndOffset };
            _isr = [.. state.Isr];
            if (!_alterInFlight) _maximalIsr = _isr;
        }
        MaybeAdvanceHighWatermark();
    }

    /// <summary>
    /// Kafka's last stable offset: below it every transaction is decided, so read_committed consumers
    /// read up to it. The high watermark, or the first offset of the oldest open transaction if lower.
    /// </summary>
    public long LastStableOffset
    {
        get
        {
            var highWatermark = Log.HighWatermark;
            return Log.FirstUnstableOffset is { } unstable && unstable < highWatermark ? unstable : highWatermark;
        }
    }

    /// <summary>
    /// Appends a producer's batches as leader. The role lock (shared) keeps a role change from
    /// slipping between the leadership check and the append, so nothing is written under an
    /// epoch this broker no longer leads.
    /// </summary>
    public (AppendResult Result, int LeaderEpoch) AppendAsLeader(Memory<byte> records, int requiredAcks, int minInsyncReplicas, out ErrorCode error) =>
        AppendAsLeader(records, requiredAcks, minInsyncReplicas, AppendOrigin.Client, null, out error);

    /// <param name="verificationGuard">For a verified transactional write (KIP-890), the guard its verification began with.</param>
    public (AppendResult Result, int LeaderEpoch) AppendAsLeader(Memory<byte> records, int requiredAcks, int minInsyncReplicas, AppendOrigin origin,
        object? verificationGuard, out ErrorCode error)
    {
        _roleLock.EnterReadLock();
        try
        {
            if (!IsLeader || _awaitingRemoteTier)
            {
                error = ErrorCode.NotLeaderOrFollower;
                return (default!, LeaderEpoch);
            }
            // Kafka refuses before appending when the ISR is already too small for acks=all.
            if (requiredAcks == -1 && Isr.Count < minInsyncReplicas)
            {
                error = ErrorCode.NotEnoughReplicas;
                return (default!, LeaderEpoch);
            }
            var result = Log.AppendAsLeader(records, LeaderEpoch, origin, verificationGuard);
            error = ErrorCode.None;
            return (result, LeaderEpoch);
        }
        finally
        {
            _roleLock.ExitReadLock();
            // The log end moved even when the high watermark cannot: followers long-poll on it.
            if (!TryAdvanceHighWatermark()) Changed?.Invoke(this);
        }
    }

    /// <summary>
    /// What an acks=all append of batches ending below <paramref name="requiredOffset"/> at leader epoch
    /// <paramref name="appendEpoch"/> has come to: NONE once committed with enough replicas, else the error
    /// Kafka's delayed produce gives (REQUEST_TIMED_OUT while still waiting).
    /// </summary>
    public ErrorCode CommitOutcome(long requiredOffset, int appendEpoch, int minInsyncReplicas)
    {
        if (!IsLeader || LeaderEpoch != appendEpoch) return ErrorCode.NotLeaderOrFollower;
        if (Log.HighWatermark < requiredOffset) return ErrorCode.RequestTimedOut;
        return MaximalIsrCount < minInsyncReplicas ? ErrorCode.NotEnoughReplicasAfterAppend : ErrorCode.None;
    }

    /// <summary>
    /// acks=all: completes once the high watermark passes <paramref name="requiredOffset"/> (the whole
    /// ISR has the write), or with the error Kafka's delayed produce gives: NOT_LEADER_OR_FOLLOWER when
    /// leadership moved meanwhile, NOT_ENOUGH_REPLICAS_AFTER_APPEND when the ISR shrank below
    /// min.insync.replicas, REQUEST_TIMED_OUT at the deadline.
    /// </summary>
    public async Task<ErrorCode> WaitForCommitAsync(long requiredOffset, int appendEpoch, int minInsyncReplicas, long deadlineTimestamp, CancellationToken ct)
    {
        while (true)
        {
            var next = Signal.NextAdvance;
            var outcome = CommitOutcome(requiredOffset, appendEpoch, minInsyncReplicas);
            if (outcome != ErrorCode.RequestTimedOut) return outcome;
            var remaining = _time.GetElapsedTime(_time.GetTimestamp(), deadlineTimestamp);
            if (remaining <= TimeSpan.Zero) return ErrorCode.RequestTimedOut;
            if (remaining > TimeSpan.FromHours(1)) remaining = TimeSpan.FromHours(1);
            try
            {
                await next.WaitAsync(remaining, _time, ct);
            }
            catch (TimeoutException)
            {
            }
        }
    }

    private int MaximalIsrCount
    {
        get
        {
            lock (_isrLock) return _maximalIsr.Length;
        }
    }

    private long NowMs() => _time.GetTimestamp() / Math.Max(1, _time.TimestampFrequency / 1000);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "{Topic}-{Partition}: now {Role} at leader epoch {LeaderEpoch}, ISR [{Isr}]")]
    private partial void LogRole(string topic, int partition, string role, int leaderEpoch, string isr);
}
