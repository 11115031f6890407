namespace Fjord.Tiering.Tests.Manager;

/// <summary>
/// An in-memory manifest with the contract's compare-and-swap semantics and fault points before
/// and after each write ("manifest.add", "manifest.add.after", "manifest.transition.{To}",
/// "manifest.transition.{To}.after", "manifest.remove", "manifest.list"). A fault "after" a write
/// stands for a crash, or a lost reply, once the write is durable.
/// </summary>
public sealed class FakeManifest : IRemoteLogMetadataStore
{
    private readonly Dictionary<Guid, RemoteSegmentMetadata> _entries = [];
    private int _fence = -1;

    public FaultPlan Faults { get; } = new();

    public IReadOnlyList<RemoteSegmentMetadata> Entries
    {
        get
        {
            lock (_entries)
            {
                return [.. _entries.Values.OrderBy(e => e.BaseOffset).ThenBy(e => e.EventTime)];
            }
        }
    }

    public Task<bool> AddCopyStartedAsync(RemoteSegmentMetadata segment, CancellationToken ct)
    {
        Faults.Hit("manifest.add");
        lock (_entries)
        {
            if (_fence > segment.LeaderEpoch || !_entries.TryAdd(segment.SegmentId, segment with { State = RemoteSegmentState.CopyStarted }))
            {
                return Task.FromResult(false);
            }

            _fence = Math.Max(_fence, segment.LeaderEpoch);
        }

        Faults.Hit("manifest.add.after");
        return Task.FromResult(true);
    }

    public Task<bool> TransitionAsync(Guid topicId, int partition, Guid segmentId, RemoteSegmentState from, RemoteSegmentState to, CancellationToken ct)
    {
        var changes = from != to;
        if (changes)
        {
            Faults.Hit($"manifest.transition.{to}");
        }

        lock (_entries)
        {
            if (!_entries.TryGetValue(segmentId, out var entry) || entry.TopicId != topicId || entry.Partition != partition || entry.State != from)
            {
                return Task.FromResult(false);
            }

            _entries[segmentId] = entry with { State = to };
        }

        if (changes)
        {
            Faults.Hit($"manifest.transition.{to}.after");
        }

        return Task.FromResult(true);
    }

    /// <summary>The leader epoch of the newest fence (one partition per fake), -1 when none.</summary>
    public int Fence
    {
        get
        {
            lock (_entries)
            {
                return _fence;
            }
        }
    }

    public Task<bool> FenceAsync(Guid topicId, int partition, int leaderEpoch, CancellationToken ct)
    {
        Faults.Hit("manifest.fence");
        lock (_entries)
        {
            if (_fence > leaderEpoch)
            {
                return Task.FromResult(false);
            }

            _fence = leaderEpoch;
            return Task.FromResult(true);
        }
    }

    public Task RemoveFencesAsync(Guid topicId, CancellationToken ct)
    {
        lock (_entries)
        {
            _fence = -1;
        }

        return Task.CompletedTask;
    }

    public Task<bool> RemoveAsync(Guid topicId, int partition, Guid segmentId, CancellationToken ct)
    {
        Faults.Hit("manifest.remove");
        lock (_entries)
        {
            return Task.FromResult(_entries.TryGetValue(segmentId, out var entry) && entry.State == RemoteSegmentState.DeleteFinished && _entries.Remove(segmentId));
        }
    }

    public Task<IReadOnlyList<RemoteSegmentMetadata>> ListAsync(Guid topicId, int partition, CancellationToken ct)
    {
        Faults.Hit("manifest.list");
        return Task.FromResult<IReadOnlyList<RemoteSegmentMetadata>>([.. Entries.Where(e => e.TopicId == topicId && e.Partition == partition)]);
    }

    public Task<IReadOnlyList<RemoteSegmentMetadata>> ListTopicAsync(Guid topicId, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<RemoteSegmentMetadata>>([.. Entries.Where(e => e.TopicId == topicId)]);
}
