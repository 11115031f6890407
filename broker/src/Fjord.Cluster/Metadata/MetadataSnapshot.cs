using System.Collections.Frozen;

namespace Fjord.Cluster;

/// <summary>
/// An immutable view of the cluster metadata at one store version: topics, registered brokers,
/// partition states and the controller. Metadata responses and every leadership decision of this
/// broker are answered from it.
/// </summary>
public sealed class MetadataSnapshot
{
    public MetadataSnapshot(
        string clusterId,
        long version,
        IReadOnlyList<TopicMetadata> topics,
        IReadOnlyList<BrokerRegistration>? brokers = null,
        IReadOnlyList<PartitionState>? partitions = null,
        ControllerLease? controller = null,
        IReadOnlySet<Guid>? deletedTopicIds = null)
    {
        ClusterId = clusterId;
        Version = version;
        TopicsByName = topics.ToFrozenDictionary(t => t.Name, StringComparer.Ordinal);
        TopicsById = topics.ToFrozenDictionary(t => t.TopicId);
        Brokers = [.. (brokers ?? []).OrderBy(b => b.NodeId)];
        BrokersById = Brokers.ToFrozenDictionary(b => b.NodeId);
        Partitions = (partitions ?? []).ToFrozenDictionary(p => new TopicPartitionKey(p.Topic, p.Partition));
        Controller = controller;
        DeletedTopicIds = (deletedTopicIds ?? new HashSet<Guid>()).ToFrozenSet();
    }

    public static MetadataSnapshot Empty { get; } = new("", -1, []);

    public string ClusterId { get; }
    public long Version { get; }
    public FrozenDictionary<string, TopicMetadata> TopicsByName { get; }
    public FrozenDictionary<Guid, TopicMetadata> TopicsById { get; }

    /// <summary>Every registered broker, live or not, ordered by node id.</summary>
    public IReadOnlyList<BrokerRegistration> Brokers { get; }
    public FrozenDictionary<int, BrokerRegistration> BrokersById { get; }

    /// <summary>The controller's partition states; a partition the controller has not placed yet is absent.</summary>
    public FrozenDictionary<TopicPartitionKey, PartitionState> Partitions { get; }

    /// <summary>The controller lease as of this version (null before the first claim).</summary>
    public ControllerLease? Controller { get; }

    /// <summary>Topic ids recorded as deleted in this cluster: the only ground on which a broker removes a log whose topic is not listed.</summary>
    public FrozenSet<Guid> DeletedTopicIds { get; }

    public PartitionState? PartitionStateOf(string topic, int partition) =>
        Partitions.GetValueOrDefault(new TopicPartitionKey(topic, partition));
}
