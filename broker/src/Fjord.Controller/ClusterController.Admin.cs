using Fjord.Cluster;
using Fjord.Protocol;

namespace Fjord.Controller;

public sealed partial class ClusterController
{
    // A conflicting write means a leader's ISR change (or the loop) got there first: re-read and decide again.
    private const int AdminWriteAttempts = 5;

    public async Task<IReadOnlyList<PartitionOutcome>> ElectLeadersAsync(ElectionKind kind, IReadOnlyList<TopicPartitionKey>? partitions, CancellationToken ct)
    {
        return await AsControllerAsync(
            states =>
            {
                var live = _liveness?.Live ?? new HashSet<int>();
                var outcomes = new List<PartitionOutcome>();
                var changes = new List<PlannedChange>();
                foreach (var key in partitions ?? [.. states.Keys])
                {
                    if (!states.TryGetValue(key, out var state))
                    {
                        outcomes.Add(new PartitionOutcome(key, ErrorCode.UnknownTopicOrPartition, "This server does not host this topic-partition."));
                        continue;
                    }

                    var result = kind == ElectionKind.Preferred ? LeaderElection.ElectPreferred(state, live) : ElectUnclean(state, live);
                    // Asked for every partition, Kafka reports only those that needed an election.
                    if (partitions is null && result.Error == ErrorCode.ElectionNotNeeded)
                        continue;
                    outcomes.Add(new PartitionOutcome(key, result.Error, result.ErrorMessage));
                    if (result.Changed)
                        changes.Add(new PlannedChange(state, result.State with { PartitionEpoch = state.PartitionEpoch + 1 }, ControllerDecision.LeaderElected));
                }

                return (outcomes, changes);
            },
            change => ClusterControllerLog.RequestedElection(_logger, change.After.Topic, change.After.Partition, kind.ToString(), change.After.Leader, change.After.LeaderEpoch),
            ct).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<PartitionOutcome>> AlterPartitionReassignmentsAsync(
        IReadOnlyList<(TopicPartitionKey Partition, IReadOnlyList<int>? TargetReplicas)> changes, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(changes);
        return await AsControllerAsync(
            states =>
            {
                var live = _liveness?.Live ?? new HashSet<int>();
                var registered = _brokers.Select(b => b.NodeId).ToHashSet();
                var outcomes = new List<PartitionOutcome>();
                var planned = new List<PlannedChange>();
                foreach (var (key, target) in changes)
                {
                    var (error, message, next) = Reassign(states, key, target, registered, live);
                    if (next is not null && planned.Any(p => p.After.Topic == key.Topic && p.After.Partition == key.Partition))
                        (error, message, next) = (ErrorCode.InvalidRequest, "The partition appears more than once in the request.", null);
                    outcomes.Add(new PartitionOutcome(key, error, message));
                    if (next is not null)
                        planned.Add(new PlannedChange(states[key], next, ControllerDecision.ReassignmentCompleted));
                }

                return (outcomes, planned);
            },
            LogReassignment,
            ct).ConfigureAwait(false);
    }

    public IReadOnlyList<OngoingReassignment> ListPartitionReassignments(IReadOnlyList<TopicPartitionKey>? partitions)
    {
        // A standby's cache may be a past term's: only the active controller answers.
        if (!IsActive)
            return [];
        var wanted = partitions?.ToHashSet();
        return [.. _states
            .Where(s => s.IsReassigning && (wanted is null || wanted.Contains(new TopicPartitionKey(s.Topic, s.Partition))))
            .Select(s => new OngoingReassignment(new TopicPartitionKey(s.Topic, s.Partition), s.Replicas, s.AddingReplicas ?? [], s.RemovingReplicas ?? []))];
    }

    private static (ErrorCode Error, string? Message, PartitionState? Next) Reassign(
        Dictionary<TopicPartitionKey, PartitionState> states,
        TopicPartitionKey key,
        IReadOnlyList<int>? target,
        IReadOnlySet<int> registered,
        IReadOnlySet<int> live)
    {
        if (!states.TryGetValue(key, out var state))
            return (ErrorCode.UnknownTopicOrPartition, "This server does not host this topic-partition.", null);
        if (target is null)
        {
            return state.IsReassigning
                ? (ErrorCode.None, null, PartitionReassignment.Revert(state, live))
                : (ErrorCode.NoReassignmentInProgress, $"No ongoing reassignment for {key.Topic}-{key.Partition}.", null);
        }

        var valid = ReplicaAssignmentValidator.Validate([target], registered, replicationFactor: null, requireConsistentReplicationFactor: false);
        // Already there: nothing to write (Kafka answers success).
        if (valid.Succeeded && !state.IsReassigning && target.SequenceEqual(state.Replicas))
            return (ErrorCode.None, null, null);
        return valid.Succeeded
            ? (ErrorCode.None, null, PartitionReassignment.Start(state, target, live))
            : (valid.Error, valid.ErrorMessage, null);
    }

    /// <summary>An ElectLeaders UNCLEAN: only a leaderless partition, from the ISR if it can, else from any live replica.</summary>
    private ElectionResult ElectUnclean(PartitionState state, IReadOnlySet<int> live)
    {
        if (state.Leader != PartitionState.NoLeader)
            return ElectionResult.Refused(state, ErrorCode.ElectionNotNeeded, $"Leader election not needed for {state.Topic}-{state.Partition}: broker {state.Leader} leads it.");
        var elected = LeaderElection.ElectOnBrokerFailure(state, live, uncleanLeaderElectionEnable: true);
        return elected.IsOffline
            ? ElectionResult.Refused(state, ErrorCode.EligibleLeadersNotAvailable, $"No live replica of {state.Topic}-{state.Partition} can lead it.")
            : elected;
    }

    private void LogReassignment(PlannedChange change)
    {
        var (before, after) = (change.Before!, change.After);
        if (after.IsReassigning)
        {
            ClusterControllerLog.ReassignmentStarted(
                _logger, after.Topic, after.Partition, ControllerPlanner.Join(PartitionReassignment.TargetReplicas(after)), ControllerPlanner.Join(after.Replicas),
                ControllerPlanner.Join(after.AddingReplicas ?? []), ControllerPlanner.Join(after.RemovingReplicas ?? []));
        }
        else if (before.IsReassigning && after.Replicas.SequenceEqual(PartitionReassignment.OriginalReplicas(before)))
        {
            ClusterControllerLog.ReassignmentCancelled(_logger, after.Topic, after.Partition, ControllerPlanner.Join(after.Replicas), after.Leader);
        }
        else
        {
            ClusterControllerLog.ReassignmentCompleted(_logger, after.Topic, after.Partition, ControllerPlanner.Join(after.Replicas), after.Leader, ControllerPlanner.Join(after.Isr));
        }
    }

    /// <summary>
    /// Runs one admin decision as the controller: reads the partition rows, lets <paramref name="decide"/>
    /// answer per partition and plan rows, and writes them fenced by the lease token. A conflict re-reads
    /// and decides again; a fenced write means this broker is no longer the controller (NOT_CONTROLLER).
    /// </summary>
    private async Task<IReadOnlyList<PartitionOutcome>> AsControllerAsync(
        Func<Dictionary<TopicPartitionKey, PartitionState>, (List<PartitionOutcome> Outcomes, List<PlannedChange> Changes)> decide,
        Action<PlannedChange> logChange,
        CancellationToken ct)
    {
        EnsureActive();
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var token = EnsureActive();
                var states = await _controllerStore.ListPartitionStatesAsync(ct).ConfigureAwait(false);
                _states = states;
                var (outcomes, changes) = decide(states.ToDictionary(s => new TopicPartitionKey(s.Topic, s.Partition)));
                if (changes.Count == 0)
                    return outcomes;

                var written = await _controllerStore.WritePartitionStatesAsync(token, [.. changes.Select(c => (c.After, c.ExpectedPartitionEpoch))], ct).ConfigureAwait(false);
                if (written == WriteOutcome.Written)
                {
                    changes.ForEach(logChange);
                    Remember(changes.Select(c => c.After));
                    return outcomes;
                }

                if (written == WriteOutcome.Fenced)
                    StepDown(token, "its write was fenced: another broker took the lease");
                if (written == WriteOutcome.Fenced || attempt == AdminWriteAttempts)
                {
                    var failed = changes.Select(c => new TopicPartitionKey(c.After.Topic, c.After.Partition)).ToHashSet();
                    var (code, message) = written == WriteOutcome.Fenced
                        ? (ErrorCode.NotController, "This broker is no longer the controller.")
                        : (ErrorCode.RequestTimedOut, "The partition kept changing; try again.");
                    return [.. outcomes.Select(o => failed.Contains(o.Partition) ? o with { Error = code, Message = message } : o)];
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private ControllerToken EnsureActive() =>
        IsActive && _token is { } token ? token : throw new InvalidOperationException("This broker is not the active controller.");
}
