using Fjord.Broker.Configuration;
using Fjord.Broker.Membership;
using Fjord.Broker.Metadata;
using Fjord.Broker.Partitions;
using Fjord.Broker.Replicas;
using Fjord.Cluster;
using Fjord.Controller;
using Fjord.Protocol;
using Fjord.Tiering;

namespace Fjord.Broker.Admin;

/// <summary>
/// Topic creation, deletion and partition growth against the metadata store, shared by the
/// admin APIs and Metadata's auto-creation. Writes are conditional in the store, so two
/// brokers racing to create one name yield one topic. The controller places the new partitions'
/// replicas and leaders; callers wait for them with <see cref="AwaitLeadersAsync"/>.
/// </summary>
/// <param name="tenantLimits">A tenant's topic and partition limits; null where there are no tenants.</param>
public sealed class TopicAdmin(BrokerConfig config, IMetadataStore store, MetadataCache metadata, ReplicaManager replicas,
    RemoteLogManager tiering, ActiveController activeController, TimeProvider time, TenantTopicLimits? tenantLimits = null)
{
    public readonly record struct Outcome(ErrorCode Error, string? Message, TopicMetadata? Topic)
    {
        public static Outcome Fail(ErrorCode error, string message) => new(error, message, null);
    }

    /// <summary>The longest a create waits for the controller to elect the new partitions' leaders.</summary>
    public static readonly TimeSpan MaxLeaderWait = TimeSpan.FromSeconds(10);

    /// <summary>Between two looks at the store while waiting for leaders: each look is one point read.</summary>
    private static readonly TimeSpan LeaderPollInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Node ids that may hold replicas: every registered broker (live or not, for now), this one
    /// included even before its own registration reaches the snapshot.
    /// </summary>
    public IReadOnlySet<int> RegisteredBrokers()
    {
        var ids = metadata.Current.BrokersById.Keys.ToHashSet();
        ids.Add(config.NodeId);
        return ids;
    }

    public Task<Outcome> CreateAsync(string name, int numPartitions, short replicationFactor,
        IReadOnlyDictionary<string, string> configs, IReadOnlyList<PartitionAssignment>? assignments, bool validateOnly, CancellationToken ct) =>
        GuardedAsync(() => CreateCoreAsync(name, numPartitions, replicationFactor, configs, assignments, validateOnly, ct), ct);

    private async Task<Outcome> CreateCoreAsync(string name, int numPartitions, short replicationFactor,
        IReadOnlyDictionary<string, string> configs, IReadOnlyList<PartitionAssignment>? assignments, bool validateOnly, CancellationToken ct)
    {
        if (TopicNames.Problem(name) is { } nameProblem) return Outcome.Fail(ErrorCode.InvalidTopicException, nameProblem);
        if (TopicNames.IsInternal(name))
            return Outcome.Fail(ErrorCode.InvalidRequest, $"Creation of internal topic {name} is prohibited: the controller owns it.");
        var registered = RegisteredBrokers();
        IReadOnlyList<IReadOnlyList<int>>? placement = null;
        if (assignments is { Count: > 0 })
        {
            if (numPartitions != -1 || replicationFactor != -1)
                return Outcome.Fail(ErrorCode.InvalidRequest, "Both replica assignments and partition count/replication factor were given");
            var checkedAssignment = ReplicaAssignmentValidator.ValidateCreateTopics(assignments, registered);
            if (!checkedAssignment.Succeeded) return Outcome.Fail(checkedAssignment.Error, checkedAssignment.ErrorMessage!);
            placement = checkedAssignment.Assignment;
            numPartitions = placement.Count;
            replicationFactor = (short)placement[0].Count;
        }
        if (numPartitions == -1) numPartitions = config.NumPartitions;
        if (replicationFactor == -1) replicationFactor = config.DefaultReplicationFactor;
        if (TopicCreationRules.PartitionCountProblem(numPartitions) is { } partitionsProblem) return Outcome.Fail(ErrorCode.InvalidPartitions, partitionsProblem);
        if (replicationFactor > 0 && replicationFactor > registered.Count)
        {
            // This broker's snapshot may predate a broker that registered a moment ago: ask the store.
            await metadata.RefreshAsync(force: true, ct);
            registered = RegisteredBrokers();
        }
        if (TopicCreationRules.ReplicationFactorProblem(replicationFactor, registered.Count) is { } replicationProblem)
            return Outcome.Fail(ErrorCode.InvalidReplicationFactor, replicationProblem);
        if (TopicConfigCatalog.Validate(configs) is { } configProblem) return Outcome.Fail(ErrorCode.InvalidConfig, configProblem);
        if (tenantLimits?.CheckCreate(name, numPartitions) is { } limitProblem) return Outcome.Fail(ErrorCode.PolicyViolation, limitProblem);

        // The controller places a manual assignment as asked when it first writes the partitions' states.
        var topic = new TopicMetadata(name, Guid.NewGuid(), numPartitions, replicationFactor, new Dictionary<string, string>(configs), placement);
        if (validateOnly)
        {
            var existing = await store.GetTopicAsync(name, ct);
            return existing is not null
                ? Outcome.Fail(ErrorCode.TopicAlreadyExists, $"Topic '{name}' already exists.")
                : new Outcome(ErrorCode.None, null, topic);
        }
        var outcome = await store.CreateTopicAsync(topic, ct);
        if (outcome == CreateTopicOutcome.AlreadyExists) return Outcome.Fail(ErrorCode.TopicAlreadyExists, $"Topic '{name}' already exists.");
        activeController.Nudge();
        await RefreshQuietlyAsync(ct);
        return new Outcome(ErrorCode.None, null, topic);
    }

    /// <summary>
    /// Waits until the local snapshot shows a leader for partitions [<paramref name="from"/>, <paramref name="to"/>)
    /// of <paramref name="topic"/>, so a client producing right after the create finds them. Gives up
    /// quietly at <paramref name="timeout"/> (at most <see cref="MaxLeaderWait"/>): the topic exists either
    /// way and clients retry LEADER_NOT_AVAILABLE. Returns whether every leader is known.
    /// </summary>
    public async Task<bool> AwaitLeadersAsync(string topic, int from, int to, TimeSpan timeout, CancellationToken ct)
    {
        // A broker alone, with no controller anywhere, leads everything itself (see MetadataHandler).
        if (activeController.Current is null && metadata.Current.Controller is null) return true;
        if (timeout > MaxLeaderWait) timeout = MaxLeaderWait;
        var started = time.GetTimestamp();
        while (true)
        {
            if (HasLeaders(metadata.Current, topic, from, to)) return true;
            if (time.GetElapsedTime(started) >= timeout) return false;
            activeController.Nudge();
            await Task.Delay(LeaderPollInterval, time, ct);
            try
            {
                await metadata.RefreshAsync(force: false, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The store hiccupped: keep looking until the deadline; the poll loop logs outages.
            }
        }
    }

    private static bool HasLeaders(MetadataSnapshot snapshot, string topic, int from, int to)
    {
        for (var p = from; p < to; p++)
            if (snapshot.PartitionStateOf(topic, p) is not { Leader: >= 0 }) return false;
        return true;
    }

    public Task<Outcome> DeleteAsync(TopicMetadata topic, CancellationToken ct) => GuardedAsync(() => DeleteCoreAsync(topic, ct), ct);

    private async Task<Outcome> DeleteCoreAsync(TopicMetadata topic, CancellationToken ct)
    {
        if (TopicNames.IsInternal(topic.Name))
            return Outcome.Fail(ErrorCode.InvalidRequest, $"Deletion of internal topic {topic.Name} is prohibited: the controller owns it.");
        if (!config.DeleteTopicEnable) return Outcome.Fail(ErrorCode.TopicDeletionDisabled, "Topic deletion is disabled (delete.topic.enable=false)");
        if (!await store.DeleteTopicAsync(topic.Name, topic.TopicId, ct))
            return Outcome.Fail(ErrorCode.UnknownTopicOrPartition, $"Topic '{topic.Name}' does not exist");
        replicas.DeleteTopicLogs(topic.Name, topic.PartitionCount);
        _ = tiering.DeleteTopicAsync(topic.TopicId);
        activeController.Nudge();
        await RefreshQuietlyAsync(ct);
        return new Outcome(ErrorCode.None, null, topic);
    }

    public Task<Outcome> CreatePartitionsAsync(string name, int count, IReadOnlyList<IReadOnlyList<int>>? assignments, bool validateOnly, CancellationToken ct) =>
        GuardedAsync(() => CreatePartitionsCoreAsync(name, count, assignments, validateOnly, ct), ct);

    private async Task<Outcome> CreatePartitionsCoreAsync(string name, int count, IReadOnlyList<IReadOnlyList<int>>? assignments, bool validateOnly, CancellationToken ct)
    {
        var current = await store.GetTopicAsync(name, ct);
        if (current is null) return Outcome.Fail(ErrorCode.UnknownTopicOrPartition, $"Topic '{name}' does not exist");
        if (TopicNames.IsInternal(name))
            return Outcome.Fail(ErrorCode.InvalidRequest, $"Cannot add partitions to internal topic {name}: the controller owns it.");
        var checkedAssignment = ReplicaAssignmentValidator.ValidateCreatePartitions(
            current.PartitionCount, count, assignments, RegisteredBrokers(), current.ReplicationFactor);
        if (!checkedAssignment.Succeeded) return Outcome.Fail(checkedAssignment.Error, checkedAssignment.ErrorMessage!);
        var added = assignments is null ? null : checkedAssignment.Assignment;
        if (tenantLimits?.CheckAddPartitions(name, count - current.PartitionCount) is { } limitProblem) return Outcome.Fail(ErrorCode.PolicyViolation, limitProblem);
        if (validateOnly) return new Outcome(ErrorCode.None, null, current with { PartitionCount = count });
        var result = await store.UpdateTopicAsync(name, t => t.TopicId != current.TopicId || t.PartitionCount >= count || (added is not null && t.PartitionCount != current.PartitionCount) ? null
            : t with { PartitionCount = count, Assignment = added is null ? t.Assignment : WithAdded(t, added) }, ct);
        switch (result)
        {
            case UpdateOutcome.NotFound:
                return Outcome.Fail(ErrorCode.UnknownTopicOrPartition, $"Topic '{name}' does not exist");
            case UpdateOutcome.Unchanged:
                return Outcome.Fail(ErrorCode.InvalidPartitions, "The partition count changed concurrently");
        }
        activeController.Nudge();
        await RefreshQuietlyAsync(ct);
        return new Outcome(ErrorCode.None, null, current with { PartitionCount = count });
    }

    /// <summary>The topic's manual assignment extended by the new partitions'; an empty entry leaves an existing partition as the controller placed it.</summary>
    private static List<IReadOnlyList<int>> WithAdded(TopicMetadata topic, IReadOnlyList<IReadOnlyList<int>> added)
    {
        var assignment = new List<IReadOnlyList<int>>(topic.Assignment ?? []);
        while (assignment.Count < topic.PartitionCount) assignment.Add([]);
        if (assignment.Count > topic.PartitionCount) assignment.RemoveRange(topic.PartitionCount, assignment.Count - topic.PartitionCount);
        assignment.AddRange(added);
        return assignment;
    }

    /// <summary>Replaces (incremental: edits) a topic's config overrides with one conditional write.</summary>
    public Task<Outcome> AlterConfigsAsync(string name, Func<IReadOnlyDictionary<string, string>, Dictionary<string, string>> change, bool validateOnly, CancellationToken ct) =>
        GuardedAsync(() => AlterConfigsCoreAsync(name, change, validateOnly, ct), ct);

    private async Task<Outcome> AlterConfigsCoreAsync(string name, Func<IReadOnlyDictionary<string, string>, Dictionary<string, string>> change, bool validateOnly, CancellationToken ct)
    {
        var current = await store.GetTopicAsync(name, ct);
        if (current is null) return Outcome.Fail(ErrorCode.UnknownTopicOrPartition, $"Topic '{name}' does not exist");
        var proposed = change(current.Configs);
        if (TopicConfigCatalog.Validate(proposed) is { } problem) return Outcome.Fail(ErrorCode.InvalidConfig, problem);
        if (validateOnly) return new Outcome(ErrorCode.None, null, current with { Configs = proposed });
        string? raceProblem = null;
        var result = await store.UpdateTopicAsync(name, t =>
        {
            var next = change(t.Configs);
            raceProblem = TopicConfigCatalog.Validate(next);
            return raceProblem is null ? t with { Configs = next } : null;
        }, ct);
        if (result == UpdateOutcome.NotFound) return Outcome.Fail(ErrorCode.UnknownTopicOrPartition, $"Topic '{name}' does not exist");
        if (raceProblem is not null) return Outcome.Fail(ErrorCode.InvalidConfig, raceProblem);
        await RefreshQuietlyAsync(ct);
        return new Outcome(ErrorCode.None, null, current with { Configs = proposed });
    }

    /// <summary>
    /// Admin changes need the metadata store; while it is unreachable they fail with a clear,
    /// retriable error in the response (as Kafka answers REQUEST_TIMED_OUT when its controller
    /// cannot commit), and the connection, produce and fetch carry on.
    /// </summary>
    private static async Task<Outcome> GuardedAsync(Func<Task<Outcome>> operation, CancellationToken ct)
    {
        try
        {
            return await operation();
        }
        catch (Exception e) when (!ct.IsCancellationRequested && e is not ArgumentException and not InvalidOperationException)
        {
            return Outcome.Fail(ErrorCode.RequestTimedOut, $"The metadata store is unavailable; retry later ({e.GetType().Name}: {e.Message})");
        }
    }

    /// <summary>The change is committed; a failed refresh only delays when this broker sees it.</summary>
    public async Task RefreshQuietlyAsync(CancellationToken ct, bool force = false)
    {
        try
        {
            await metadata.RefreshAsync(force, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
        }
    }
}
