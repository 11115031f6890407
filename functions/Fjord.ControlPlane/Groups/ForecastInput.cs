namespace Fjord.ControlPlane.Groups;

/// <summary>A partition's figures the retention forecast works from.</summary>
/// <param name="LagSeconds">Age of the next record to consume (0 when caught up).</param>
/// <param name="NewestRecordAgeSeconds">Age of the record just below the high watermark (how long ago the producer last wrote).</param>
/// <param name="ProduceRate">Records a second appended; null when not known yet (taken as 0).</param>
/// <param name="ConsumeRate">Records a second the group's committed offset advances; null when not known yet (taken as 0).</param>
/// <param name="RetentionMs">The topic's retention.ms; -1 for none.</param>
/// <param name="RetentionBytes">The topic's retention.bytes (the whole log, tiered part included); -1 for none.</param>
/// <param name="AverageRecordBytes">Bytes a record, from the local log; null when unknown (retention.bytes is then not forecast).</param>
public sealed record ForecastInput(
    long CommittedOffset,
    long LogStartOffset,
    long HighWatermark,
    double LagSeconds,
    double NewestRecordAgeSeconds,
    double? ProduceRate,
    double? ConsumeRate,
    long RetentionMs,
    long RetentionBytes,
    double? AverageRecordBytes);
