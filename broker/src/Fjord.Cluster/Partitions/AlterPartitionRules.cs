namespace Fjord.Cluster;

/// <summary>KRaft's AlterPartition checks, in its order, shared by every store.</summary>
internal static class AlterPartitionRules
{
    /// <summary>The outcome for <paramref name="proposed"/> against the stored <paramref name="current"/>, and the state to store when altered.</summary>
    public static (AlterPartitionStatus Status, PartitionState? Next) Decide(PartitionState? current, PartitionState proposed, int expectedPartitionEpoch)
    {
        if (current is null)
            return (AlterPartitionStatus.UnknownTopicOrPartition, null);
        // A leader that was replaced, or re-elected under a newer epoch, speaks for a past it no longer owns.
        if (proposed.Leader != current.Leader || proposed.LeaderEpoch != current.LeaderEpoch || current.Leader == PartitionState.NoLeader)
            return (AlterPartitionStatus.FencedLeaderEpoch, null);
        if (current.PartitionEpoch != expectedPartitionEpoch)
            return (AlterPartitionStatus.InvalidUpdateVersion, null);
        // Leaders change only the ISR; replicas are the controller's to assign.
        if (!proposed.Replicas.SequenceEqual(current.Replicas) || !PartitionStateValidation.IsValidIsr(proposed))
            return (AlterPartitionStatus.InvalidRequest, null);
        return (AlterPartitionStatus.Altered, current with { Isr = [.. proposed.Isr], PartitionEpoch = expectedPartitionEpoch + 1 });
    }
}
