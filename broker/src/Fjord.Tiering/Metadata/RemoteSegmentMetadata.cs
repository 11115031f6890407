using Fjord.Log.Checkpoints;

namespace Fjord.Tiering;

/// <summary>
/// One remote segment as the manifest records it (Kafka's RemoteLogSegmentMetadata).
/// <paramref name="SegmentId"/> is fresh for every upload attempt, so a retried upload of the same
/// offsets never overwrites the blobs of an earlier attempt that may still be referenced.
/// <paramref name="EndOffset"/> is inclusive. <paramref name="LeaderEpochs"/> are the epoch entries
/// covering the segment (start offsets within it), for OffsetForLeaderEpoch and divergence checks
/// below the local log. <paramref name="BrokerId"/> and <paramref name="LeaderEpoch"/> name the
/// leader that wrote the entry.
/// </summary>
public sealed record RemoteSegmentMetadata(
    Guid TopicId,
    string Topic,
    int Partition,
    Guid SegmentId,
    long BaseOffset,
    long EndOffset,
    long MaxTimestamp,
    long SizeInBytes,
    IReadOnlyList<EpochEntry> LeaderEpochs,
    RemoteSegmentState State,
    int BrokerId,
    int LeaderEpoch,
    DateTimeOffset EventTime);
