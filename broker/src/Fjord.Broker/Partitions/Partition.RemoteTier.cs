using Fjord.Tiering;
using Microsoft.Extensions.Logging;

namespace Fjord.Broker.Partitions;

public sealed partial class Partition
{
    private volatile bool _awaitingRemoteTier;
    private int _remoteTierLookupRunning;

    /// <summary>
    /// True while a tiered replica with no local history (a new or wiped disk, or a follower that fell
    /// behind the leader's local log) waits to learn from the manifest where the remote tier ends. It
    /// neither serves nor fetches meanwhile: appending at offset 0 would reuse offsets Blob storage holds.
    /// </summary>
    public bool AwaitingRemoteTier => _awaitingRemoteTier;

    /// <summary>Starts the manifest lookup (set by the replica manager that owns the replica).</summary>
    internal Action<Partition>? RemoteTierLookup { get; set; }

    /// <summary>
    /// A follower whose fetch offset the leader answered OFFSET_MOVED_TO_TIERED_STORAGE: what it lacks
    /// is in Blob storage, so it restarts where the uploaded part ends instead of copying history.
    /// </summary>
    public void RequestRemoteTierLookup()
    {
        if (RemoteTierLookup is { } lookUp) lookUp(this);
    }

    /// <summary>Marks the replica as waiting for the remote tier; true when the caller should start the lookup (none is running).</summary>
    internal bool BeginRemoteTierLookup()
    {
        _awaitingRemoteTier = true;
        return Interlocked.CompareExchange(ref _remoteTierLookupRunning, 1, 0) == 0;
    }

    /// <summary>
    /// Ends the wait: when the remote tier reaches past the local log end, the local log restarts
    /// empty where the tier ends (nothing uploaded is fetched or uploaded again); otherwise the local
    /// log already continues the tier and stays as it is.
    /// </summary>
    internal void CompleteRemoteTierLookup(RemoteTierStart? start, byte[]? producerSnapshot = null)
    {
        _roleLock.EnterWriteLock();
        try
        {
            if (start is not null && start.LocalStartOffset > Log.LogEndOffset)
            {
                LogRebuiltFromRemoteTier(Topic.Name, Index, Log.LogEndOffset, start.LogStartOffset, start.LocalStartOffset);
                Log.TruncateFullyAndStartAt(start.LocalStartOffset, start.LogStartOffset, start.Epochs, producerSnapshot);
                if (IsLeader)
                {
                    // The epoch this leader assigned at its old (empty) end moves to the new end.
                    Log.AssignLeaderEpoch(LeaderEpoch);
                    _leaderEpochStartOffset = Log.LogEndOffset;
                }
            }

            _awaitingRemoteTier = false;
        }
        finally
        {
            Volatile.Write(ref _remoteTierLookupRunning, 0);
            _roleLock.ExitWriteLock();
            NotifyChanged();
        }
    }

    /// <summary>The lookup gave up (the replica went away): another may start later.</summary>
    internal void AbandonRemoteTierLookup() => Volatile.Write(ref _remoteTierLookupRunning, 0);

    [LoggerMessage(EventId = 3110, Level = LogLevel.Information,
        Message = "{Topic}-{Partition}: rebuilt from the remote tier: local log end {LogEndOffset} → log start {LogStartOffset}, local log from {LocalStartOffset} (the rest is in Blob storage)")]
    private partial void LogRebuiltFromRemoteTier(string topic, int partition, long logEndOffset, long logStartOffset, long localStartOffset);
}
