namespace Fjord.Tiering;

/// <summary>
/// The local files of a closed segment to upload, and the leader-epoch entries covering it
/// (serialised by the storage as Kafka's checkpoint text). <paramref name="ProducerSnapshotFile"/> is the
/// producer snapshot at the segment's end, uploaded when it exists so a replica rebuilt from the
/// tier knows the producers. <paramref name="TransactionIndexFile"/> is the segment's .txnindex, uploaded
/// when it exists (it does only when the segment holds abort markers).
/// </summary>
public sealed record LocalSegmentFiles(string LogFile, string OffsetIndexFile, string TimeIndexFile, IReadOnlyList<Fjord.Log.Checkpoints.EpochEntry> LeaderEpochs,
    string? ProducerSnapshotFile = null, string? TransactionIndexFile = null);
