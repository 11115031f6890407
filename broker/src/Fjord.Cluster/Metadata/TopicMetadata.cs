namespace Fjord.Cluster;

/// <summary>
/// A topic as the cluster knows it. <paramref name="TopicId"/> is Kafka's topic id: deleting and
/// re-creating a name yields a new id, so data and requests addressed to the old incarnation of the
/// name can be told apart. <paramref name="Configs"/> holds only the topic-level overrides, under
/// Kafka's config names (<c>retention.ms</c>, <c>cleanup.policy</c> …); broker defaults fill the rest.
/// </summary>
public sealed record TopicMetadata(
    string Name,
    Guid TopicId,
    int PartitionCount,
    short ReplicationFactor,
    IReadOnlyDictionary<string, string> Configs);
