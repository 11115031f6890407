namespace Fjord.ControlPlane.Topics;

/// <summary>What a create asks for: partitions, replication factor and the topic-level config overrides (Kafka's names).</summary>
public sealed record TopicSpec(int Partitions, short ReplicationFactor, IReadOnlyDictionary<string, string> Configs)
{
    /// <summary>Whether <paramref name="topic"/> is what this spec would create, so a repeated create can answer "already done".</summary>
    public bool Describes(TopicView topic)
    {
        ArgumentNullException.ThrowIfNull(topic);
        return topic.Partitions == Partitions && topic.ReplicationFactor == ReplicationFactor && TopicETag.SameConfigs(topic.Configs, Configs);
    }
}
