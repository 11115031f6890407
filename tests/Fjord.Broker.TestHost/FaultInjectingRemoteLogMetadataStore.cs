using Fjord.Tiering;

namespace Fjord.Broker.TestHost;

/// <summary>
/// The manifest with <see cref="TierFaultPoints"/> after its writes: a point fires only once the
/// inner write has succeeded, so the crash leaves exactly the state the point's name describes.
/// </summary>
public sealed class FaultInjectingRemoteLogMetadataStore(IRemoteLogMetadataStore inner, TierFaultPoints faults) : IRemoteLogMetadataStore
{
    private readonly IRemoteLogMetadataStore _inner = inner ?? throw new ArgumentNullException(nameof(inner));
    private readonly TierFaultPoints _faults = faults ?? throw new ArgumentNullException(nameof(faults));

    public async Task<bool> AddCopyStartedAsync(RemoteSegmentMetadata segment, CancellationToken ct)
    {
        var added = await _inner.AddCopyStartedAsync(segment, ct);
        if (added)
            _faults.Hit(TierFaultPoints.AfterCopyStarted);
        return added;
    }

    public async Task<bool> TransitionAsync(Guid topicId, int partition, Guid segmentId, RemoteSegmentState from, RemoteSegmentState to, CancellationToken ct)
    {
        var moved = await _inner.TransitionAsync(topicId, partition, segmentId, from, to, ct);
        // Self-transitions are the tier's "is it still X?" checks, not steps: only real moves fire.
        if (!moved || from == to)
            return moved;
        if (from == RemoteSegmentState.CopyStarted && to == RemoteSegmentState.CopyFinished)
            _faults.Hit(TierFaultPoints.AfterCopyFinished);
        else if (to == RemoteSegmentState.DeleteStarted)
            _faults.Hit(TierFaultPoints.AfterDeleteStarted);
        else if (to == RemoteSegmentState.DeleteFinished)
            _faults.Hit(TierFaultPoints.AfterDeleteFinished);
        return moved;
    }

    public Task<bool> FenceAsync(Guid topicId, int partition, int leaderEpoch, CancellationToken ct) =>
        _inner.FenceAsync(topicId, partition, leaderEpoch, ct);

    public Task RemoveFencesAsync(Guid topicId, CancellationToken ct) => _inner.RemoveFencesAsync(topicId, ct);

    public Task<bool> RemoveAsync(Guid topicId, int partition, Guid segmentId, CancellationToken ct) =>
        _inner.RemoveAsync(topicId, partition, segmentId, ct);

    public Task<IReadOnlyList<RemoteSegmentMetadata>> ListAsync(Guid topicId, int partition, CancellationToken ct) =>
        _inner.ListAsync(topicId, partition, ct);

    public Task<IReadOnlyList<RemoteSegmentMetadata>> ListTopicAsync(Guid topicId, CancellationToken ct) =>
        _inner.ListTopicAsync(topicId, ct);
}
