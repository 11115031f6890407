namespace Fjord.Cluster;

/// <summary>
/// What a partition's leader publishes about its log (<see cref="TablePartitionStatsStore"/>): the offsets
/// a consumer's lag and retention are measured against, the local size, and the history of the high
/// watermark (<see cref="SampleHistory"/>) from which the produce rate and the write time of an offset follow.
/// </summary>
/// <param name="Topic">The stored topic name (a tenant's topics carry its prefix).</param>
/// <param name="TopicId">Tells a re-created topic's rows from the old one's.</param>
/// <param name="LocalSizeBytes">Bytes of the local segments; with <paramref name="LocalLogStartOffset"/> and
/// <paramref name="LogEndOffset"/> it gives the average record size, which sizes the tiered part too.</param>
/// <param name="UpdatedAt">When the leader last wrote the row; rows are written only when something changed.</param>
public sealed record PartitionStats(
    string Topic,
    Guid TopicId,
    int Partition,
    int LeaderId,
    int LeaderEpoch,
    long LogStartOffset,
    long LocalLogStartOffset,
    long HighWatermark,
    long LogEndOffset,
    long LocalSizeBytes,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<LogSample> HighWatermarkSamples)
{
    /// <summary>The average bytes of a record in the local log, or null when it holds none.</summary>
    public double? AverageRecordBytes =>
        LogEndOffset > LocalLogStartOffset && LocalSizeBytes > 0 ? (double)LocalSizeBytes / (LogEndOffset - LocalLogStartOffset) : null;
}
