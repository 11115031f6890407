namespace Fjord.Tiering;

/// <summary>The files of one uploaded segment (Kafka's RemoteStorageManager.IndexType plus the segment itself).</summary>
public enum RemoteFileType
{
    Segment,
    OffsetIndex,
    TimeIndex,
    LeaderEpochCheckpoint,

    /// <summary>The producer state as of the segment's end (KIP-405's producer snapshot index), absent for segments uploaded before it existed.</summary>
    ProducerSnapshot,

    /// <summary>
    /// The segment's .txnindex (Kafka's transaction index): its aborted transactions. Optional: a segment
    /// without aborts has no file, and its absence means no aborts.
    /// </summary>
    TransactionIndex,
}
