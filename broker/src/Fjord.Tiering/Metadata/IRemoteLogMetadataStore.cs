namespace Fjord.Tiering;

/// <summary>
/// The remote-segment manifest (Kafka's RemoteLogMetadataManager), one per cluster. Entries are
/// keyed by topic id, partition and segment id; every state change is a compare-and-swap, so two
/// leaders racing over the same segment (an old one that has not yet learnt it was deposed and the
/// new one) cannot both move it.
/// </summary>
public interface IRemoteLogMetadataStore
{
    /// <summary>Records a new upload in <see cref="RemoteSegmentState.CopyStarted"/>; false when the segment id already exists.</summary>
    Task<bool> AddCopyStartedAsync(RemoteSegmentMetadata segment, CancellationToken ct);

    /// <summary>
    /// Moves a segment from <paramref name="from"/> to <paramref name="to"/> (a self-transition is a
    /// no-op success). False when the entry is missing or in another state; nothing is written then.
    /// </summary>
    Task<bool> TransitionAsync(Guid topicId, int partition, Guid segmentId, RemoteSegmentState from, RemoteSegmentState to, CancellationToken ct);

    /// <summary>Removes a <see cref="RemoteSegmentState.DeleteFinished"/> entry for good (its blobs are gone).</summary>
    Task<bool> RemoveAsync(Guid topicId, int partition, Guid segmentId, CancellationToken ct);

    /// <summary>Every entry of a partition, in any state, ordered by base offset then event time.</summary>
    Task<IReadOnlyList<RemoteSegmentMetadata>> ListAsync(Guid topicId, int partition, CancellationToken ct);

    /// <summary>Every entry of a topic (all partitions), for topic deletion.</summary>
    Task<IReadOnlyList<RemoteSegmentMetadata>> ListTopicAsync(Guid topicId, CancellationToken ct);
}
