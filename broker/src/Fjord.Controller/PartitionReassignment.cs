using Fjord.Cluster;

namespace Fjord.Controller;

/// <summary>
/// KRaft's partition reassignment as pure state changes. While a reassignment runs, the replicas are
/// the target followed by the old replicas that are leaving (KRaft's PartitionReassignmentReplicas),
/// the new replicas follow as non-ISR members until their leader adds them to the ISR, and the
/// reassignment completes once every adding replica is in the ISR. Every result bumps the partition
/// epoch by one (the compare-and-swap the controller writes with) and the leader epoch on a leader change.
/// </summary>
public static class PartitionReassignment
{
    /// <summary>The replicas the partition had before its ongoing reassignment (all of them when none runs).</summary>
    public static IReadOnlyList<int> OriginalReplicas(PartitionState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var adding = state.AddingReplicas ?? [];
        return [.. state.Replicas.Where(r => !adding.Contains(r))];
    }

    /// <summary>The replicas the ongoing reassignment moves to (the replicas when none runs).</summary>
    public static IReadOnlyList<int> TargetReplicas(PartitionState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var removing = state.RemovingReplicas ?? [];
        return [.. state.Replicas.Where(r => !removing.Contains(r))];
    }

    /// <summary>
    /// Starts moving the partition to <paramref name="target"/> (replacing any ongoing reassignment, which
    /// is first reverted as KRaft does). A target that is the current replica set, reordered or not,
    /// completes at once; so does one that only removes replicas, when the rest of the ISR survives.
    /// </summary>
    public static PartitionState Start(PartitionState state, IReadOnlyList<int> target, IReadOnlySet<int> liveBrokers)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(target);
        var original = state.IsReassigning ? Revert(state, liveBrokers) : state;
        var adding = target.Where(r => !original.Replicas.Contains(r)).ToArray();
        var removing = original.Replicas.Where(r => !target.Contains(r)).ToArray();
        var moving = original with
        {
            Replicas = [.. target, .. removing],
            AddingReplicas = adding.Length > 0 ? adding : null,
            RemovingReplicas = removing.Length > 0 ? removing : null,
            PartitionEpoch = state.PartitionEpoch + 1,
        };
        return TryComplete(moving, liveBrokers) is { } done ? done with { PartitionEpoch = state.PartitionEpoch + 1 } : moving;
    }

    /// <summary>
    /// Cancels the ongoing reassignment: the adding replicas go (from the replicas and the ISR) and the
    /// removing ones stay. A leader that was one of the adding replicas is replaced from the ISR.
    /// </summary>
    public static PartitionState Revert(PartitionState state, IReadOnlySet<int> liveBrokers)
    {
        ArgumentNullException.ThrowIfNull(state);
        var adding = state.AddingReplicas ?? [];
        var isr = state.Isr.Where(r => !adding.Contains(r)).ToArray();
        var reverted = state with
        {
            Replicas = OriginalReplicas(state),
            // Never an empty ISR: should only adding replicas be in it, the original replicas keep their claim.
            Isr = isr.Length > 0 ? isr : [.. OriginalReplicas(state)],
            AddingReplicas = null,
            RemovingReplicas = null,
        };
        return WithLeaderFromIsr(reverted, state, liveBrokers);
    }

    /// <summary>
    /// The finished reassignment when every adding replica is in the ISR and a target replica remains in
    /// it; null while it must wait. The leaving replicas leave the ISR; a leaving leader hands over to the
    /// first live ISR member of the target.
    /// </summary>
    public static PartitionState? TryComplete(PartitionState state, IReadOnlySet<int> liveBrokers)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(liveBrokers);
        if (!state.IsReassigning || !(state.AddingReplicas ?? []).All(state.Isr.Contains))
            return null;
        var removing = state.RemovingReplicas ?? [];
        var isr = state.Isr.Where(r => !removing.Contains(r)).ToArray();
        if (isr.Length == 0)
            return null;
        var done = state with
        {
            Replicas = TargetReplicas(state),
            Isr = isr,
            AddingReplicas = null,
            RemovingReplicas = null,
        };
        return WithLeaderFromIsr(done, state, liveBrokers);
    }

    /// <summary>
    /// <paramref name="next"/> with a leader that is a live ISR member (the current one if it still
    /// qualifies, else the first in replica order, else none) and the epochs moved on from <paramref name="before"/>.
    /// </summary>
    private static PartitionState WithLeaderFromIsr(PartitionState next, PartitionState before, IReadOnlySet<int> liveBrokers)
    {
        var leader = next.Replicas.Contains(before.Leader) && next.Isr.Contains(before.Leader) && liveBrokers.Contains(before.Leader)
            ? before.Leader
            : next.Replicas.FirstOrDefault(r => next.Isr.Contains(r) && liveBrokers.Contains(r), PartitionState.NoLeader);
        return next with
        {
            Leader = leader,
            LeaderEpoch = leader == before.Leader ? before.LeaderEpoch : before.LeaderEpoch + 1,
            PartitionEpoch = before.PartitionEpoch + 1,
        };
    }
}
