using Fjord.Cluster;
using Fjord.Protocol;

namespace Fjord.Controller;

/// <summary>
/// The controller's leader decisions for one partition, as KRaft's PartitionChangeBuilder makes them.
/// Pure: the caller supplies the partition row and which brokers hold a live lease, and writes the result.
/// </summary>
/// <remarks>
/// Invariants: a clean leader comes only from the ISR (every ISR member has every committed record); the
/// ISR never becomes empty (its last member is kept even when dead, so a leaderless partition remembers
/// who may lead it cleanly when they return); a leader change bumps LeaderEpoch by exactly one; any change
/// bumps PartitionEpoch by exactly one, which is what fences a concurrent AlterPartition from the old leader.
/// </remarks>
public static class LeaderElection
{
    /// <summary>
    /// Reacts to brokers that lost their lease: dead followers leave the ISR; a dead (or missing) leader is
    /// replaced by the first live ISR member in replica order; with no live ISR member the partition goes
    /// offline (leader -1), unless <paramref name="uncleanLeaderElectionEnable"/> lets the first live replica
    /// lead with an ISR of itself — accepting the loss of records it lacks.
    /// </summary>
    public static ElectionResult ElectOnBrokerFailure(
        PartitionState state,
        IReadOnlySet<int> liveBrokers,
        bool uncleanLeaderElectionEnable)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(liveBrokers);
        var liveIsr = state.Isr.Where(liveBrokers.Contains).ToArray();
        var leaderStays = state.Leader != PartitionState.NoLeader
            && liveBrokers.Contains(state.Leader)
            && state.Isr.Contains(state.Leader);
        if (leaderStays)
        {
            return liveIsr.Length == state.Isr.Count
                ? ElectionResult.Unchanged(state)
                : ElectionResult.Updated(Change(state, state.Leader, liveIsr));
        }

        var clean = state.Replicas.FirstOrDefault(r => liveIsr.Contains(r), PartitionState.NoLeader);
        if (clean != PartitionState.NoLeader)
        {
            return ElectionResult.Updated(Change(state, clean, liveIsr));
        }

        if (uncleanLeaderElectionEnable)
        {
            var unclean = state.Replicas.FirstOrDefault(liveBrokers.Contains, PartitionState.NoLeader);
            if (unclean != PartitionState.NoLeader)
            {
                return ElectionResult.Updated(Change(state, unclean, [unclean]));
            }
        }

        // Offline. The ISR keeps its members rather than going empty: each of them holds every committed
        // record, so whichever comes back first can lead without loss (KRaft keeps the last one standing).
        return state.Leader == PartitionState.NoLeader
            ? ElectionResult.Unchanged(state)
            : ElectionResult.Updated(Change(state, PartitionState.NoLeader, state.Isr));
    }

    /// <summary>
    /// A broker came back (a new incarnation). The controller does not put it back in any ISR — only the
    /// leader may, once it has caught up — but an offline partition gets a leader again if the returning
    /// broker is in its ISR (or, with unclean election enabled, if it is a replica at all).
    /// </summary>
    public static ElectionResult OnBrokerReturn(
        PartitionState state,
        int returningBroker,
        IReadOnlySet<int> liveBrokers,
        bool uncleanLeaderElectionEnable)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(liveBrokers);
        if (state.Leader != PartitionState.NoLeader || !state.Replicas.Contains(returningBroker))
        {
            return ElectionResult.Unchanged(state);
        }

        var live = new HashSet<int>(liveBrokers) { returningBroker };
        return ElectOnBrokerFailure(state, live, uncleanLeaderElectionEnable);
    }

    /// <summary>
    /// Preferred leader election (ElectLeaders PREFERRED, auto.leader.rebalance): moves leadership back to the
    /// first replica when it is live and in the ISR. The ISR is untouched.
    /// </summary>
    public static ElectionResult ElectPreferred(PartitionState state, IReadOnlySet<int> liveBrokers)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(liveBrokers);
        if (state.Replicas.Count == 0)
        {
            return ElectionResult.Refused(state, ErrorCode.PreferredLeaderNotAvailable, "The partition has no replicas.");
        }

        var preferred = state.Replicas[0];
        if (state.Leader == preferred)
        {
            return ElectionResult.Refused(
                state,
                ErrorCode.ElectionNotNeeded,
                $"Leader election not needed for {state.Topic}-{state.Partition}: broker {preferred} already leads it.");
        }

        if (!liveBrokers.Contains(preferred) || !state.Isr.Contains(preferred))
        {
            return ElectionResult.Refused(
                state,
                ErrorCode.PreferredLeaderNotAvailable,
                $"Failed to elect leader for {state.Topic}-{state.Partition}: preferred replica {preferred} is not live and in the ISR.");
        }

        return ElectionResult.Updated(Change(state, preferred, state.Isr));
    }

    private static PartitionState Change(PartitionState state, int leader, IReadOnlyList<int> isr) => state with
    {
        Leader = leader,
        LeaderEpoch = leader == state.Leader ? state.LeaderEpoch : state.LeaderEpoch + 1,
        Isr = isr,
        PartitionEpoch = state.PartitionEpoch + 1,
    };
}
