namespace Fjord.Cluster;

/// <summary>
/// A topic as the cluster knows it. <paramref name="TopicId"/> is Kafka's topic id: deleting and
/// re-creating a name yields a new id, so data and requests addressed to the old incarnation of the
/// name can be told apart. <paramref name="Configs"/> holds only the topic-level overrides, under
/// Kafka's config names (<c>retention.ms</c>, <c>cleanup.policy</c> …); broker defaults fill the rest.
/// <paramref name="Assignment"/> is the replica assignment a client asked for (CreateTopics or
/// CreatePartitions manual assignments), index = partition, preferred leader first: the controller
/// uses it when it first writes a partition's state. An empty entry, a partition past its end, or a
/// null assignment leaves that partition to the controller's placement.
/// </summary>
public sealed record TopicMetadata(
    string Name,
    Guid TopicId,
    int PartitionCount,
    short ReplicationFactor,
    IReadOnlyDictionary<string, string> Configs,
    IReadOnlyList<IReadOnlyList<int>>? Assignment = null);
