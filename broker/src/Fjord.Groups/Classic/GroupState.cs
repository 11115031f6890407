namespace Fjord.Groups;

/// <summary>A classic group's state; the names are the strings Kafka puts on the wire (ListGroups, DescribeGroups).</summary>
public enum GroupState
{
    Empty,
    PreparingRebalance,
    CompletingRebalance,
    Stable,
    Dead,
}
