namespace Fjord.ControlPlane.Client.Groups;

/// <summary>A group in a tenant's listing: state and members as of its last rebalance (Stable, Empty, Unknown), total lag, earliest forecast.</summary>
public sealed record GroupSummaryModel(
    string Group,
    string State,
    int? Members,
    int Partitions,
    long? TotalLag,
    double? MaxLagSeconds,
    RetentionForecastModel EarliestForecast);
