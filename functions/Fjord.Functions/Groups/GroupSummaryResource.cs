using Fjord.ControlPlane.Groups;

namespace Fjord.Functions.Groups;

/// <summary>A group in the tenant's listing: its state and members (as of the last rebalance), total lag and earliest retention forecast.</summary>
public sealed record GroupSummaryResource(
    string Group,
    string State,
    int? Members,
    int Partitions,
    long? TotalLag,
    double? MaxLagSeconds,
    RetentionForecast EarliestForecast)
{
    public static GroupSummaryResource From(GroupLag lag)
    {
        ArgumentNullException.ThrowIfNull(lag);
        return new(lag.Group, lag.State, lag.Members, lag.Partitions.Count, lag.TotalLag, lag.MaxLagSeconds, lag.EarliestForecast);
    }
}
