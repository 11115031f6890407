using Fjord.Broker.Partitions;
using Fjord.Broker.Purgatory;
using Fjord.Broker.Replication;

namespace Fjord.Broker.Fetch;

/// <summary>
/// Kafka's DelayedFetch: a fetch that found fewer than min_bytes waits in the purgatory on its
/// partitions until enough bytes are fetchable (below the high watermark for consumers, the log end
/// for followers), one of them can answer with an error or from the remote tier, leadership moves,
/// or max_wait_ms passes. A wake-up re-estimates only the partition that moved, from offsets and the
/// offset index: no log is read until the fetch completes.
/// </summary>
internal sealed class DelayedFetch : DelayedOperation
{
    private readonly FetchParams _params;
    private readonly FetchPartitionStatus[] _statuses;
    private readonly Dictionary<Partition, int>? _byPartition;
    private long _available;

    public DelayedFetch(long deadlineTimestamp, FetchParams fetchParams, FetchPartitionStatus[] statuses)
        : base(deadlineTimestamp)
    {
        _params = fetchParams;
        _statuses = statuses;
        // Many partitions: find the one that moved by lookup rather than a scan per wake-up.
        if (statuses.Length > 8)
        {
            _byPartition = [];
            for (var i = 0; i < statuses.Length; i++)
                if (statuses[i].Partition is { } partition) _byPartition.TryAdd(partition, i);
        }
    }

    /// <summary>The partitions to watch.</summary>
    public IEnumerable<Partition> Partitions => _statuses.Where(s => s.Partition is not null).Select(s => s.Partition!).Distinct();

    protected internal override bool CanComplete(object? key)
    {
        if (key is Partition moved)
        {
            if (_byPartition is not null)
                return _byPartition.TryGetValue(moved, out var index) && Recheck(_statuses[index]);
            var any = false;
            foreach (var status in _statuses)
                if (ReferenceEquals(status.Partition, moved)) any |= Recheck(status);
            return any;
        }
        foreach (var status in _statuses)
            if (Recheck(status)) return true;
        return false;
    }

    /// <summary>Updates one partition's estimate; true when the fetch as a whole can answer now.</summary>
    private bool Recheck(FetchPartitionStatus status)
    {
        if (status.Partition is not { } partition) return true;
        if (!partition.IsLeader || partition.LeaderEpoch != status.LeaderEpoch) return true;
        var log = partition.Log;
        var fetchOffset = status.Request.FetchOffset;
        if (fetchOffset < log.LogStartOffset || fetchOffset > log.LogEndOffset || fetchOffset < log.LocalLogStartOffset) return true;
        var end = _params.IsFromFollower ? log.LogEndOffset : _params.ReadCommitted ? partition.LastStableOffset : log.HighWatermark;
        var available = fetchOffset < end ? Math.Min(log.EstimateBytesBetween(fetchOffset, end), Math.Max(1, status.Request.MaxBytes)) : 0;
        _available += available - status.AvailableBytes;
        status.AvailableBytes = available;
        return _available >= _params.MinBytes;
    }
}
