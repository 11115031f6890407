namespace Fjord.ControlPlane.Groups;

/// <summary>
/// A consumer group's lag: every partition it has committed an offset in, the totals, and the earliest retention
/// forecast among them (what an operator must act on first).
/// </summary>
/// <param name="Group">The tenant's own group id.</param>
/// <param name="State">Kafka's group state as of the coordinator's last write: Stable (members), Empty (none), or Unknown (offsets only, never joined).</param>
/// <param name="Members">Members as of the last rebalance; null when the group never joined through the coordinator.</param>
/// <param name="TotalLag">Sum of the partitions' lag; null when no partition has stats yet.</param>
/// <param name="MaxLagSeconds">The largest lag in seconds among the partitions.</param>
public sealed record GroupLag(
    string Group,
    string State,
    int? Members,
    long? TotalLag,
    double? MaxLagSeconds,
    RetentionForecast EarliestForecast,
    string? EarliestForecastTopic,
    int? EarliestForecastPartition,
    IReadOnlyList<PartitionLag> Partitions);
