namespace Fjord.ControlPlane.Client.Groups;

/// <summary>A group's lag in one partition: null figures mean the partition's leader has not published stats yet.</summary>
public sealed record PartitionLagModel(
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
    RetentionForecastModel Forecast,
    DateTimeOffset? StatsUpdatedAt);
