using System.Text.Json;

namespace Fjord.Cluster;

/// <summary>Checks shared by every store, so the in-memory fake refuses exactly what Table storage would.</summary>
internal static class MetadataValidation
{
    /// <summary>Table storage caps a string column at 64 KiB of UTF-16, i.e. 32 Ki chars.</summary>
    public const int MaxJsonColumnChars = 32 * 1024;

    public static void ValidateTopic(TopicMetadata topic)
    {
        ArgumentNullException.ThrowIfNull(topic);
        ValidateTopicName(topic.Name);
        if (topic.TopicId == Guid.Empty)
            throw new ArgumentException($"Topic {topic.Name} needs a non-zero topic id.", nameof(topic));
        if (topic.PartitionCount <= 0)
            throw new ArgumentException($"Topic {topic.Name} needs at least one partition, not {topic.PartitionCount}.", nameof(topic));
        if (topic.ReplicationFactor <= 0)
            throw new ArgumentException($"Topic {topic.Name} needs a replication factor of at least 1, not {topic.ReplicationFactor}.", nameof(topic));
        ArgumentNullException.ThrowIfNull(topic.Configs);
        _ = SerializeConfigs(topic);
        ValidateAssignment(topic);
    }

    private static void ValidateAssignment(TopicMetadata topic)
    {
        if (topic.Assignment is not { } assignment)
            return;
        if (assignment.Count > topic.PartitionCount)
            throw new ArgumentException($"Topic {topic.Name} has {topic.PartitionCount} partitions but an assignment for {assignment.Count}.", nameof(topic));
        for (var p = 0; p < assignment.Count; p++)
        {
            var replicas = assignment[p] ?? throw new ArgumentException($"Topic {topic.Name}: the assignment of partition {p} is null.", nameof(topic));
            if (replicas.Any(r => r < 0) || replicas.Distinct().Count() != replicas.Count)
                throw new ArgumentException($"Topic {topic.Name}: partition {p} needs distinct non-negative replicas, not [{PartitionStateValidation.Join(replicas)}].", nameof(topic));
        }

        var json = SerializeAssignment(assignment);
        if (json is not null && json.Length > MaxJsonColumnChars)
            throw new ArgumentException($"The assignment of topic {topic.Name} takes {json.Length} chars; Table storage allows at most {MaxJsonColumnChars} in one column.", nameof(topic));
    }

    /// <summary>"1,2,3;2,3,1": partitions separated by ';', replicas by ','. Null for no assignment.</summary>
    public static string? SerializeAssignment(IReadOnlyList<IReadOnlyList<int>>? assignment) =>
        assignment is null || assignment.Count == 0 ? null : string.Join(';', assignment.Select(PartitionStateValidation.Join));

    public static IReadOnlyList<IReadOnlyList<int>>? DeserializeAssignment(string? column) =>
        column is null ? null : [.. column.Split(';').Select(p => (IReadOnlyList<int>)PartitionStateValidation.Split(p))];

    public static void ValidateTopicName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
    }

    public static void ValidateRegistration(BrokerRegistration registration)
    {
        ArgumentNullException.ThrowIfNull(registration);
        ArgumentOutOfRangeException.ThrowIfNegative(registration.NodeId);
        ArgumentNullException.ThrowIfNull(registration.Endpoints);
        if (registration.IncarnationId == Guid.Empty)
            throw new ArgumentException($"Broker {registration.NodeId} needs a non-zero incarnation id.", nameof(registration));
        _ = SerializeEndpoints(registration);
    }

    public static string SerializeConfigs(TopicMetadata topic)
    {
        var json = JsonSerializer.Serialize(topic.Configs);
        if (json.Length > MaxJsonColumnChars)
        {
            throw new ArgumentException(
                $"The configs of topic {topic.Name} take {json.Length} chars as JSON; Table storage allows at most {MaxJsonColumnChars} in one column.",
                nameof(topic));
        }

        return json;
    }

    public static string SerializeEndpoints(BrokerRegistration registration)
    {
        var json = JsonSerializer.Serialize(registration.Endpoints);
        if (json.Length > MaxJsonColumnChars)
        {
            throw new ArgumentException(
                $"The endpoints of broker {registration.NodeId} take {json.Length} chars as JSON; Table storage allows at most {MaxJsonColumnChars} in one column.",
                nameof(registration));
        }

        return json;
    }

    public static Dictionary<string, string> DeserializeConfigs(string? json) =>
        string.IsNullOrEmpty(json)
            ? new Dictionary<string, string>(StringComparer.Ordinal)
            : new Dictionary<string, string>(JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [], StringComparer.Ordinal);

    public static List<BrokerEndpoint> DeserializeEndpoints(string? json) =>
        string.IsNullOrEmpty(json) ? [] : JsonSerializer.Deserialize<List<BrokerEndpoint>>(json) ?? [];

    /// <summary>A copy the caller cannot mutate behind the store's back.</summary>
    public static TopicMetadata Snapshot(TopicMetadata topic) =>
        topic with
        {
            Configs = new Dictionary<string, string>(topic.Configs, StringComparer.Ordinal),
            // An empty assignment is stored as none, so both stores read it back alike.
            Assignment = topic.Assignment is { Count: > 0 } a ? [.. a.Select(p => (IReadOnlyList<int>)[.. p])] : null,
        };

    public static void EnsureSameIdentity(TopicMetadata current, TopicMetadata changed)
    {
        if (!string.Equals(current.Name, changed.Name, StringComparison.Ordinal) || current.TopicId != changed.TopicId)
        {
            throw new InvalidOperationException(
                $"An update of topic {current.Name} ({current.TopicId}) must keep its name and id, not turn it into {changed.Name} ({changed.TopicId}).");
        }
    }
}
