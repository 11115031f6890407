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
    }

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
        topic with { Configs = new Dictionary<string, string>(topic.Configs, StringComparer.Ordinal) };

    public static void EnsureSameIdentity(TopicMetadata current, TopicMetadata changed)
    {
        if (!string.Equals(current.Name, changed.Name, StringComparison.Ordinal) || current.TopicId != changed.TopicId)
        {
            throw new InvalidOperationException(
                $"An update of topic {current.Name} ({current.TopicId}) must keep its name and id, not turn it into {changed.Name} ({changed.TopicId}).");
        }
    }
}
