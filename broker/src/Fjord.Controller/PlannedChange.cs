using Fjord.Cluster;

namespace Fjord.Controller;

/// <summary>
/// One partition row the controller will write: <see cref="After"/> guarded by the partition epoch of
/// <see cref="Before"/> (null: the row must not exist yet).
/// </summary>
public sealed record PlannedChange(PartitionState? Before, PartitionState After, ControllerDecision Decision)
{
    public int? ExpectedPartitionEpoch => Before?.PartitionEpoch;
}
