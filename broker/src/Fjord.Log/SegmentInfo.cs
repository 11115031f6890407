namespace Fjord.Log;

/// <summary>
/// A point-in-time description of one local segment, for the tier manager and diagnostics.
/// <paramref name="NextOffset"/> is exclusive (equal to <paramref name="BaseOffset"/> when empty);
/// <paramref name="LargestTimestamp"/> is Kafka's largestTimestamp (the max record timestamp, else the
/// .log's modification time), which retention.ms compares against. The files of a closed segment do
/// not change until it is deleted; the active one (<paramref name="IsActive"/>) keeps growing.
/// </summary>
public sealed record SegmentInfo(
    long BaseOffset,
    long NextOffset,
    long SizeInBytes,
    long LargestTimestamp,
    string LogPath,
    string OffsetIndexPath,
    string TimeIndexPath,
    bool IsActive)
{
    /// <summary>
    /// The segment's <c>.txnindex</c>, or null when it has none: the file exists only once an abort
    /// marker was written into the segment, and only the active segment receives markers, so a closed
    /// segment's answer does not change.
    /// </summary>
    public string? TransactionIndexPath { get; init; }
}
