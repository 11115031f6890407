namespace Fjord.ControlPlane.Client.Groups;

/// <summary>A consumer group's lag: per partition, totals, and the earliest retention forecast (with the partition it concerns).</summary>
public sealed record GroupLagModel(
    string Group,
    string State,
    int? Members,
    long? TotalLag,
    double? MaxLagSeconds,
    RetentionForecastModel EarliestForecast,
    string? EarliestForecastTopic,
    int? EarliestForecastPartition,
    IReadOnlyList<PartitionLagModel> Partitions);
