namespace Fjord.Tiering;

/// <summary>
/// One local segment as the tier sees it. <paramref name="EndOffset"/> is inclusive (BaseOffset - 1
/// for an empty segment); <paramref name="MaxTimestamp"/> is Kafka's largestTimestamp, which
/// retention.ms compares against.
/// </summary>
public sealed record TieredLogSegment(
    long BaseOffset,
    long EndOffset,
    long MaxTimestamp,
    long SizeInBytes,
    string LogFile,
    string OffsetIndexFile,
    string TimeIndexFile);
