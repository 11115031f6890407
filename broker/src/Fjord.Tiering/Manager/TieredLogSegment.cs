namespace Fjord.Tiering;

/// <summary>
/// One local segment as the tier sees it. <paramref name="EndOffset"/> is inclusive (BaseOffset - 1
/// for an empty segment); <paramref name="MaxTimestamp"/> is Kafka's largestTimestamp, which
/// retention.ms compares against. <paramref name="ProducerSnapshotFile"/> is where the producer snapshot
/// at its end would be (it may not exist); <paramref name="TransactionIndexFile"/> where its .txnindex would be
/// (it exists only when the segment holds abort markers).
/// </summary>
public sealed record TieredLogSegment(
    long BaseOffset,
    long EndOffset,
    long MaxTimestamp,
    long SizeInBytes,
    string LogFile,
    string OffsetIndexFile,
    string TimeIndexFile,
    string? ProducerSnapshotFile = null,
    string? TransactionIndexFile = null);
