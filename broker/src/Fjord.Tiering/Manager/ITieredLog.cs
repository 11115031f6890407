using Fjord.Log.Checkpoints;

namespace Fjord.Tiering;

/// <summary>
/// What <see cref="RemotePartitionTier"/> needs of a partition's local log, small enough to fake in
/// tests. Deleting local segments here moves only the local log start offset (Kafka's
/// localLogStartOffset): the data is still readable from the remote tier, so the log start offset
/// consumers see must not move.
/// </summary>
public interface ITieredLog
{
    Guid TopicId { get; }

    string Topic { get; }

    int Partition { get; }

    /// <summary>The first offset of the whole log (remote + local); moved by retention and DeleteRecords only.</summary>
    long LogStartOffset { get; }

    long HighWatermark { get; }

    /// <summary>
    /// The last stable offset: segments are uploaded only wholly below it (as Kafka's RemoteLogManager
    /// does), so a tiered segment never holds an undecided transaction.
    /// </summary>
    long LastStableOffset { get; }

    /// <summary>The local segments, oldest first; the last one is the active segment and is never tiered.</summary>
    IReadOnlyList<TieredLogSegment> Segments { get; }

    /// <summary>The leader-epoch entries of the local log, oldest first.</summary>
    IReadOnlyList<EpochEntry> LeaderEpochs { get; }

    /// <summary>Deletes the closed local segments wholly below <paramref name="offset"/>; returns how many went.</summary>
    int DeleteLocalSegmentsBefore(long offset);
}
