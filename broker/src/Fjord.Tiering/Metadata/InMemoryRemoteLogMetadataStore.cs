namespace Fjord.Tiering;

/// <summary>
/// The manifest in process memory, for unit tests and single-process runs. One lock makes every
/// check-and-write atomic, which is the compare-and-swap Table storage gives with If-Match.
/// </summary>
public sealed class InMemoryRemoteLogMetadataStore : IRemoteLogMetadataStore
{
    private readonly Dictionary<(Guid TopicId, int Partition, Guid SegmentId), RemoteSegmentMetadata> _entries = [];
    private readonly Dictionary<(Guid TopicId, int Partition), int> _fences = [];
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;

    public InMemoryRemoteLogMetadataStore(TimeProvider? timeProvider = null)
    {
        _time = timeProvider ?? TimeProvider.System;
    }

    public Task<bool> AddCopyStartedAsync(RemoteSegmentMetadata segment, CancellationToken ct)
    {
        RemoteSegmentValidation.ValidateNew(segment);
        ct.ThrowIfCancellationRequested();
        // Copy the epochs so a caller that later mutates its list cannot change the stored entry.
        var stored = segment with { LeaderEpochs = [.. segment.LeaderEpochs] };
        lock (_lock)
        {
            if (_fences.TryGetValue((segment.TopicId, segment.Partition), out var fence) && fence > segment.LeaderEpoch)
                return Task.FromResult(false);
            if (!_entries.TryAdd((segment.TopicId, segment.Partition, segment.SegmentId), stored))
                return Task.FromResult(false);
            _fences[(segment.TopicId, segment.Partition)] = Math.Max(fence, segment.LeaderEpoch);
            return Task.FromResult(true);
        }
    }

    public Task RemoveFencesAsync(Guid topicId, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        lock (_lock)
        {
            foreach (var key in _fences.Keys.Where(k => k.TopicId == topicId).ToList())
                _fences.Remove(key);
        }

        return Task.CompletedTask;
    }

    public Task<bool> FenceAsync(Guid topicId, int partition, int leaderEpoch, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(partition);
        ArgumentOutOfRangeException.ThrowIfNegative(leaderEpoch);
        ct.ThrowIfCancellationRequested();
        lock (_lock)
        {
            if (_fences.TryGetValue((topicId, partition), out var fence) && fence > leaderEpoch)
                return Task.FromResult(false);
            _fences[(topicId, partition)] = leaderEpoch;
            return Task.FromResult(true);
        }
    }

    public Task<bool> TransitionAsync(Guid topicId, int partition, Guid segmentId, RemoteSegmentState from, RemoteSegmentState to, CancellationToken ct)
    {
        RemoteSegmentValidation.ValidateKey(topicId, partition, segmentId);
        RemoteSegmentTransitions.Validate(from, to);
        ct.ThrowIfCancellationRequested();
        lock (_lock)
        {
            var key = (topicId, partition, segmentId);
            if (!_entries.TryGetValue(key, out var current) || current.State != from)
                return Task.FromResult(false);
            if (from != to)
                _entries[key] = current with { State = to, EventTime = _time.GetUtcNow() };
            return Task.FromResult(true);
        }
    }

    public Task<bool> RemoveAsync(Guid topicId, int partition, Guid segmentId, CancellationToken ct)
    {
        RemoteSegmentValidation.ValidateKey(topicId, partition, segmentId);
        ct.ThrowIfCancellationRequested();
        lock (_lock)
        {
            var key = (topicId, partition, segmentId);
            // Only a finished deletion may vanish: anything else still has blobs someone must clean up.
            if (!_entries.TryGetValue(key, out var current) || current.State != RemoteSegmentState.DeleteFinished)
                return Task.FromResult(false);
            return Task.FromResult(_entries.Remove(key));
        }
    }

    public Task<IReadOnlyList<RemoteSegmentMetadata>> ListAsync(Guid topicId, int partition, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        return Task.FromResult<IReadOnlyList<RemoteSegmentMetadata>>(Select(e => e.TopicId == topicId && e.Partition == partition));
    }

    public Task<IReadOnlyList<RemoteSegmentMetadata>> ListTopicAsync(Guid topicId, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        return Task.FromResult<IReadOnlyList<RemoteSegmentMetadata>>(Select(e => e.TopicId == topicId));
    }

    private List<RemoteSegmentMetadata> Select(Func<RemoteSegmentMetadata, bool> predicate)
    {
        List<RemoteSegmentMetadata> selected;
        lock (_lock)
        {
            selected = [.. _entries.Values.Where(predicate)];
        }

        selected.Sort((x, y) => x.Partition != y.Partition ? x.Partition.CompareTo(y.Partition) : RemoteSegmentValidation.Compare(x, y));
        return selected;
    }
}
