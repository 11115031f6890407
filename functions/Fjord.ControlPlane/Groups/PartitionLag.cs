namespace Fjord.ControlPlane.Groups;

/// <summary>
/// A group's lag in one partition. The offsets are the leader's as of <see cref="StatsUpdatedAt"/> (published every
/// few seconds), the committed offset the stored one; null figures mean the leader has not published stats yet.
/// </summary>
/// <param name="Topic">The tenant's own topic name.</param>
/// <param name="LogEndOffset">The high watermark: the end of what consumers can read.</param>
/// <param name="Lag">Records between the committed offset and the high watermark.</param>
/// <param name="LagSeconds">Age of the next record to consume (0 when caught up), interpolated from the high-watermark history.</param>
/// <param name="LagSecondsIsLowerBound">The next record is older than the history reaches: it is at least this old.</param>
/// <param name="ProduceRate">Records a second appended over the last minute.</param>
/// <param name="ConsumeRate">Records a second the committed offset advanced over the last minute.</param>
public sealed record PartitionLag(
    string Topic,
    int Partition,
    long CommittedOffset,
    long? LogStartOffset,
    long? LogEndOffset,
    long? Lag,
    double? LagSeconds,
    bool LagSecondsIsLowerBound,
    double? ProduceRate,
    double? ConsumeRate,
    RetentionForecast Forecast,
    DateTimeOffset? StatsUpdatedAt);
