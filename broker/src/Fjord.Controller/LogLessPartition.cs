using Fjord.Cluster;

namespace Fjord.Controller;

/// <summary>
/// What the ISR means for a partition without a log: Fjord's __consumer_offsets, whose leaders are the
/// group coordinators while the offsets themselves live in Table storage. Kafka's ISR is "the replicas
/// holding every committed record"; a replica with no records holds all of them, so every live replica is
/// in sync. No follower fetches such a partition, so nothing would grow an ISR back after the controller
/// shrank it for dead brokers: the controller itself puts every live replica back (live meaning a held
/// lease and no controlled shutdown), in the same compare-and-swap row write as its elections, and any
/// live replica may lead, since none can lack a record.
/// </summary>
public static class LogLessPartition
{
    public static bool IsLogLess(string topic) => TopicNames.IsInternal(topic);

    /// <summary>
    /// The ISR plus every live replica not yet in it, in replica order after the current members, so a
    /// row that already has them all is returned unchanged. A leaderless row is left alone: the election
    /// (which may pick any live replica) comes first.
    /// </summary>
    public static PartitionState WithEveryLiveReplicaInSync(PartitionState state, IReadOnlySet<int> liveBrokers)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(liveBrokers);
        if (state.Leader == PartitionState.NoLeader)
            return state;
        var missing = state.Replicas.Where(r => liveBrokers.Contains(r) && !state.Isr.Contains(r)).ToArray();
        return missing.Length == 0 ? state : state with { Isr = [.. state.Isr, .. missing] };
    }
}
