using System.Globalization;
using Fjord.Cluster;

namespace Fjord.Controller;

/// <summary>
/// The controller's reconciliation, pure: from one read of topics, partition rows and broker liveness
/// it decides which rows to write. No I/O and no clock; randomness (for placement) comes from the caller.
/// Rows are judged one at a time by <see cref="LeaderElection"/> and <see cref="PartitionReassignment"/>,
/// so each planned row changes at most once per plan and is written with a compare-and-swap on the
/// epoch it was read with.
/// </summary>
public static class ControllerPlanner
{
    public const string UncleanLeaderElectionConfig = "unclean.leader.election.enable";

    public static IReadOnlyList<PlannedChange> Plan(ControllerPlanInput input, Random random)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(random);
        var topics = input.Topics.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var changes = new List<PlannedChange>();
        var after = new List<PartitionState>(input.States.Count);
        foreach (var state in input.States)
        {
            if (!topics.TryGetValue(state.Topic, out var topic))
                continue;
            var change = PlanExisting(state, input, Unclean(topic, input.UncleanLeaderElectionEnable));
            if (change is not null)
                changes.Add(change);
            after.Add(change?.After ?? state);
        }

        if (input.RebalancePreferredLeaders)
            RebalancePreferredLeaders(after, changes, input);
        changes.AddRange(PlanNewPartitions(input, after, random));
        return changes;
    }

    /// <summary>
    /// An internal topic (__consumer_offsets, __transaction_state) to create, or null when it exists or no
    /// broker is alive. Its replication factor shrinks to the live brokers, as the one place where Fjord
    /// (not a client) creates a topic and must not wait for a cluster that may never grow.
    /// </summary>
    public static TopicMetadata? InternalTopicToCreate(IReadOnlyList<TopicMetadata> topics, string name, int liveBrokers, int partitions, short replicationFactor)
    {
        ArgumentNullException.ThrowIfNull(topics);
        if (liveBrokers <= 0 || topics.Any(t => t.Name == name))
            return null;
        var factor = (short)Math.Clamp(Math.Min(replicationFactor, liveBrokers), 1, short.MaxValue);
        return new TopicMetadata(name, Guid.NewGuid(), Math.Max(1, partitions), factor, new Dictionary<string, string>());
    }

    /// <summary>unclean.leader.election.enable: the topic's override when it has one, else the broker default.</summary>
    public static bool Unclean(TopicMetadata topic, bool brokerDefault)
    {
        ArgumentNullException.ThrowIfNull(topic);
        return topic.Configs.TryGetValue(UncleanLeaderElectionConfig, out var value) && bool.TryParse(value, out var parsed)
            ? parsed
            : brokerDefault;
    }

    private static PlannedChange? PlanExisting(PartitionState state, ControllerPlanInput input, bool unclean)
    {
        // Without a log no replica can lack a record, so electing any live replica loses nothing.
        var logLess = LogLessPartition.IsLogLess(state.Topic);
        unclean |= logLess;
        var next = state;
        // A restarted broker is first treated as dead (it leaves every ISR and gives up what it led,
        // so the next leader epoch fences the old process), then as live again for the election below.
        if (input.RestartedBrokers.Count > 0 && state.Replicas.Any(input.RestartedBrokers.Contains))
        {
            var withoutRestarted = input.LiveBrokers.Where(b => !input.RestartedBrokers.Contains(b)).ToHashSet();
            next = LeaderElection.ElectOnBrokerFailure(next, withoutRestarted, unclean).State;
        }

        next = LeaderElection.ElectOnBrokerFailure(next, input.LiveBrokers, unclean).State;
        var completed = false;
        if (logLess)
            next = LogLessPartition.WithEveryLiveReplicaInSync(next, input.LiveBrokers);
        if (PartitionReassignment.TryComplete(next, input.LiveBrokers) is { } done)
        {
            next = done;
            completed = true;
        }

        if (SameRow(state, next))
            return null;
        // Whatever steps it took, the row is written once: its partition epoch moves by exactly one.
        next = next with { PartitionEpoch = state.PartitionEpoch + 1 };
        return new PlannedChange(state, next, completed ? ControllerDecision.ReassignmentCompleted : Classify(state, next, logLess));
    }

    private static ControllerDecision Classify(PartitionState before, PartitionState after, bool logLess)
    {
        if (after.Leader == PartitionState.NoLeader)
            return ControllerDecision.PartitionOffline;
        if (after.Leader != before.Leader || after.LeaderEpoch != before.LeaderEpoch)
            return logLess || before.Isr.Contains(after.Leader) ? ControllerDecision.LeaderElected : ControllerDecision.UncleanLeaderElected;
        return after.Isr.Count > before.Isr.Count ? ControllerDecision.IsrExpanded : ControllerDecision.IsrShrunk;
    }

    /// <summary>
    /// Kafka's auto leader rebalance: for each broker, the share of the partitions it is preferred for
    /// (first replica) that someone else leads; above leader.imbalance.per.broker.percentage, those
    /// partitions move back to it where it is live and in the ISR. Partitions being reassigned are left alone.
    /// </summary>
    private static void RebalancePreferredLeaders(List<PartitionState> states, List<PlannedChange> changes, ControllerPlanInput input)
    {
        foreach (var byPreferred in states.GroupBy(s => s.Replicas[0]))
        {
            var notLed = byPreferred.Where(s => s.Leader != byPreferred.Key).ToList();
            var ratio = (double)notLed.Count / byPreferred.Count();
            if (ratio * 100 <= input.LeaderImbalancePerBrokerPercentage)
                continue;
            foreach (var state in notLed.Where(s => !s.IsReassigning))
            {
                var elected = LeaderElection.ElectPreferred(state, input.LiveBrokers);
                if (!elected.Changed)
                    continue;
                var index = changes.FindIndex(c => c.After.Topic == state.Topic && c.After.Partition == state.Partition);
                var original = index >= 0 ? changes[index].Before! : state;
                var change = new PlannedChange(original, elected.State with { PartitionEpoch = original.PartitionEpoch + 1 }, ControllerDecision.PreferredLeaderElected);
                if (index >= 0)
                    changes[index] = change;
                else
                    changes.Add(change);
            }
        }
    }

    /// <summary>
    /// First states for partitions that have none: the topic's manual assignment where it names one,
    /// else <see cref="ReplicaPlacement"/> over the live brokers. With fewer live brokers than the
    /// replication factor the partition is placed on those there are (creation already succeeded; a
    /// later reassignment can widen it). Leader: the first live replica; ISR: the live replicas (all
    /// of them, when none is live: every replica of a new partition holds all of its zero records).
    /// </summary>
    private static List<PlannedChange> PlanNewPartitions(ControllerPlanInput input, List<PartitionState> existing, Random random)
    {
        var changes = new List<PlannedChange>();
        var present = existing.Select(s => (s.Topic, s.Partition)).ToHashSet();
        var load = new Dictionary<int, int>();
        foreach (var replica in existing.SelectMany(s => s.Replicas))
            load[replica] = load.GetValueOrDefault(replica) + 1;
        var live = input.RegisteredBrokers.Where(b => input.LiveBrokers.Contains(b.Id)).OrderBy(b => b.Id).ToList();

        foreach (var topic in input.Topics)
        {
            var missing = Enumerable.Range(0, topic.PartitionCount).Where(p => !present.Contains((topic.Name, p))).ToList();
            if (missing.Count == 0)
                continue;
            var manual = missing.Where(p => ManualReplicas(topic, p) is not null).ToList();
            var toPlace = missing.Except(manual).ToList();
            var placed = Place(topic, toPlace, live, load, random);
            foreach (var partition in missing)
            {
                var replicas = ManualReplicas(topic, partition) ?? placed.GetValueOrDefault(partition);
                if (replicas is null)
                    continue;
                foreach (var replica in replicas)
                    load[replica] = load.GetValueOrDefault(replica) + 1;
                var liveReplicas = replicas.Where(input.LiveBrokers.Contains).ToArray();
                var state = new PartitionState(
                    topic.Name,
                    partition,
                    replicas,
                    liveReplicas.Length > 0 ? liveReplicas[0] : PartitionState.NoLeader,
                    LeaderEpoch: 0,
                    Isr: liveReplicas.Length > 0 ? liveReplicas : replicas,
                    PartitionEpoch: 0);
                changes.Add(new PlannedChange(null, state, ControllerDecision.PartitionCreated));
            }
        }

        return changes;
    }

    private static IReadOnlyList<int>? ManualReplicas(TopicMetadata topic, int partition) =>
        topic.Assignment is { } assignment && partition < assignment.Count && assignment[partition].Count > 0 ? assignment[partition] : null;

    private static Dictionary<int, IReadOnlyList<int>> Place(TopicMetadata topic, List<int> partitions, List<BrokerInfo> live, Dictionary<int, int> load, Random random)
    {
        var result = new Dictionary<int, IReadOnlyList<int>>();
        if (partitions.Count == 0 || live.Count == 0)
            return result;
        var factor = (short)Math.Min(topic.ReplicationFactor, live.Count);
        var placement = ReplicaPlacement.Assign(partitions.Count, factor, live, load, random, partitions[0]);
        // A half-labelled cluster cannot be placed rack-aware; the topic exists already, so place it
        // without racks rather than leave it without replicas.
        if (!placement.Succeeded)
            placement = ReplicaPlacement.Assign(partitions.Count, factor, [.. live.Select(b => b with { Rack = null })], load, random, partitions[0]);
        if (!placement.Succeeded)
            return result;
        for (var i = 0; i < partitions.Count; i++)
            result[partitions[i]] = placement.Assignment[i];
        return result;
    }

    private static bool SameRow(PartitionState a, PartitionState b) =>
        a.Leader == b.Leader
        && a.LeaderEpoch == b.LeaderEpoch
        && a.Replicas.SequenceEqual(b.Replicas)
        && a.Isr.SequenceEqual(b.Isr)
        && (a.AddingReplicas ?? []).SequenceEqual(b.AddingReplicas ?? [])
        && (a.RemovingReplicas ?? []).SequenceEqual(b.RemovingReplicas ?? []);

    internal static string Join(IEnumerable<int> ids) => string.Join(',', ids.Select(i => i.ToString(CultureInfo.InvariantCulture)));
}
