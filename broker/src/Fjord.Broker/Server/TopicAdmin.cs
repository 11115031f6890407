using Fjord.Broker.Metadata;
using Fjord.Cluster;
using Fjord.Protocol;

namespace Fjord.Broker.Server;

/// <summary>
/// Topic creation, deletion and partition growth against the metadata store, shared by the
/// admin APIs and Metadata's auto-creation. Writes are conditional in the store, so two
/// brokers racing to create one name yield one topic.
/// </summary>
public sealed class TopicAdmin(BrokerContext context)
{
    public readonly record struct Outcome(ErrorCode Error, string? Message, TopicMetadata? Topic)
    {
        public static Outcome Fail(ErrorCode error, string message) => new(error, message, null);
    }

    /// <summary>Brokers that can hold replicas; one until clustering arrives.</summary>
    public int LiveBrokerCount => 1;

    public async Task<Outcome> CreateAsync(string name, int numPartitions, short replicationFactor,
        IReadOnlyDictionary<string, string> configs, IReadOnlyList<IReadOnlyList<int>>? assignments, bool validateOnly, CancellationToken ct)
    {
        if (TopicNames.Problem(name) is { } nameProblem) return Outcome.Fail(ErrorCode.InvalidTopicException, nameProblem);
        if (assignments is { Count: > 0 })
        {
            if (numPartitions != -1 || replicationFactor != -1)
                return Outcome.Fail(ErrorCode.InvalidRequest, "Both replica assignments and partition count/replication factor were given");
            numPartitions = assignments.Count;
            replicationFactor = (short)assignments[0].Count;
            if (assignments.Any(a => a.Count != replicationFactor || a.Distinct().Count() != a.Count || a.Any(b => b != context.NodeId)))
                return Outcome.Fail(ErrorCode.InvalidReplicaAssignment, $"Replica assignments must name broker {context.NodeId}, each once");
        }
        if (numPartitions == -1) numPartitions = context.Config.NumPartitions;
        if (replicationFactor == -1) replicationFactor = context.Config.DefaultReplicationFactor;
        if (numPartitions <= 0) return Outcome.Fail(ErrorCode.InvalidPartitions, "Number of partitions must be larger than 0");
        if (replicationFactor <= 0) return Outcome.Fail(ErrorCode.InvalidReplicationFactor, "Replication factor must be larger than 0");
        if (replicationFactor > LiveBrokerCount)
            return Outcome.Fail(ErrorCode.InvalidReplicationFactor,
                $"Replication factor: {replicationFactor} larger than available brokers: {LiveBrokerCount}");
        if (TopicConfigCatalog.Validate(configs) is { } configProblem) return Outcome.Fail(ErrorCode.InvalidConfig, configProblem);

        var topic = new TopicMetadata(name, Guid.NewGuid(), numPartitions, replicationFactor, new Dictionary<string, string>(configs));
        if (validateOnly)
        {
            var existing = await context.Store.GetTopicAsync(name, ct);
            return existing is not null
                ? Outcome.Fail(ErrorCode.TopicAlreadyExists, $"Topic '{name}' already exists.")
                : new Outcome(ErrorCode.None, null, topic);
        }
        var outcome = await context.Store.CreateTopicAsync(topic, ct);
        if (outcome == CreateTopicOutcome.AlreadyExists) return Outcome.Fail(ErrorCode.TopicAlreadyExists, $"Topic '{name}' already exists.");
        await context.Metadata.RefreshAsync(force: false, ct);
        return new Outcome(ErrorCode.None, null, topic);
    }

    public async Task<Outcome> DeleteAsync(TopicMetadata topic, CancellationToken ct)
    {
        if (!context.Config.DeleteTopicEnable) return Outcome.Fail(ErrorCode.TopicDeletionDisabled, "Topic deletion is disabled (delete.topic.enable=false)");
        if (!await context.Store.DeleteTopicAsync(topic.Name, topic.TopicId, ct))
            return Outcome.Fail(ErrorCode.UnknownTopicOrPartition, $"Topic '{topic.Name}' does not exist");
        context.Replicas.DeleteTopicLogs(topic.Name, topic.PartitionCount);
        await context.Metadata.RefreshAsync(force: false, ct);
        return new Outcome(ErrorCode.None, null, topic);
    }

    public async Task<Outcome> CreatePartitionsAsync(string name, int count, IReadOnlyList<IReadOnlyList<int>>? assignments, bool validateOnly, CancellationToken ct)
    {
        var current = await context.Store.GetTopicAsync(name, ct);
        if (current is null) return Outcome.Fail(ErrorCode.UnknownTopicOrPartition, $"Topic '{name}' does not exist");
        if (count <= current.PartitionCount)
            return Outcome.Fail(ErrorCode.InvalidPartitions,
                count == current.PartitionCount ? $"Topic already has {count} partitions." : $"Topic currently has {current.PartitionCount} partitions, which is higher than the requested {count}.");
        if (assignments is not null)
        {
            if (assignments.Count != count - current.PartitionCount)
                return Outcome.Fail(ErrorCode.InvalidReplicaAssignment, $"Increasing the number of partitions by {count - current.PartitionCount} but {assignments.Count} assignments provided.");
            if (assignments.Any(a => a.Count != current.ReplicationFactor || a.Any(b => b != context.NodeId)))
                return Outcome.Fail(ErrorCode.InvalidReplicaAssignment, $"Replica assignments must name broker {context.NodeId}");
        }
        if (validateOnly) return new Outcome(ErrorCode.None, null, current with { PartitionCount = count });
        var result = await context.Store.UpdateTopicAsync(name, t => t.TopicId != current.TopicId || t.PartitionCount >= count ? null : t with { PartitionCount = count }, ct);
        switch (result)
        {
            case UpdateOutcome.NotFound:
                return Outcome.Fail(ErrorCode.UnknownTopicOrPartition, $"Topic '{name}' does not exist");
            case UpdateOutcome.Unchanged:
                return Outcome.Fail(ErrorCode.InvalidPartitions, "The partition count changed concurrently");
        }
        await context.Metadata.RefreshAsync(force: false, ct);
        return new Outcome(ErrorCode.None, null, current with { PartitionCount = count });
    }

    /// <summary>Replaces (incremental: edits) a topic's config overrides with one conditional write.</summary>
    public async Task<Outcome> AlterConfigsAsync(string name, Func<IReadOnlyDictionary<string, string>, Dictionary<string, string>> change, bool validateOnly, CancellationToken ct)
    {
        var current = await context.Store.GetTopicAsync(name, ct);
        if (current is null) return Outcome.Fail(ErrorCode.UnknownTopicOrPartition, $"Topic '{name}' does not exist");
        var proposed = change(current.Configs);
        if (TopicConfigCatalog.Validate(proposed) is { } problem) return Outcome.Fail(ErrorCode.InvalidConfig, problem);
        if (validateOnly) return new Outcome(ErrorCode.None, null, current with { Configs = proposed });
        string? raceProblem = null;
        var result = await context.Store.UpdateTopicAsync(name, t =>
        {
            var next = change(t.Configs);
            raceProblem = TopicConfigCatalog.Validate(next);
            return raceProblem is null ? t with { Configs = next } : null;
        }, ct);
        if (result == UpdateOutcome.NotFound) return Outcome.Fail(ErrorCode.UnknownTopicOrPartition, $"Topic '{name}' does not exist");
        if (raceProblem is not null) return Outcome.Fail(ErrorCode.InvalidConfig, raceProblem);
        await context.Metadata.RefreshAsync(force: false, ct);
        return new Outcome(ErrorCode.None, null, current with { Configs = proposed });
    }
}
