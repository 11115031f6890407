namespace Fjord.Tiering;

/// <summary>
/// The remote-segment manifest (Kafka's RemoteLogMetadataManager), one per cluster. Entries are
/// keyed by topic id, partition and segment id; every state change is a compare-and-swap, so two
/// leaders racing over the same segment (an old one that has not yet learnt it was deposed and the
/// new one) cannot both move it.
/// </summary>
public interface IRemoteLogMetadataStore
{
    /// <summary>
    /// Records a new upload in <see cref="RemoteSegmentState.CopyStarted"/>; false when the segment id
    /// already exists, or when the partition is fenced at a leader epoch newer than the entry's
    /// <see cref="RemoteSegmentMetadata.LeaderEpoch"/> (a deposed leader may not start uploads).
    /// </summary>
    Task<bool> AddCopyStartedAsync(RemoteSegmentMetadata segment, CancellationToken ct);

    /// <summary>
    /// Raises the partition's writer fence to <paramref name="leaderEpoch"/>: from then on uploads by
    /// older leaders are refused. A new leader fences before it lists the manifest to resume, so every
    /// entry an old leader managed to add is one it sees (and cleans). False when a newer epoch holds
    /// the fence already (this leader is the deposed one).
    /// </summary>
    Task<bool> FenceAsync(Guid topicId, int partition, int leaderEpoch, CancellationToken ct);

    /// <summary>A deleted topic's fences, once its entries are gone: nothing of the topic stays behind.</summary>
    Task RemoveFencesAsync(Guid topicId, CancellationToken ct);

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
