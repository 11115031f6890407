namespace Fjord.Tiering;

/// <summary>The files of one uploaded segment (Kafka's RemoteStorageManager.IndexType plus the segment itself).</summary>
public enum RemoteFileType
{
    Segment,
    OffsetIndex,
    TimeIndex,
    LeaderEpochCheckpoint,
}
