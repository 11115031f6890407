using System.Collections.Frozen;
using Fjord.Cluster;

namespace Fjord.Broker.Metadata;

/// <summary>An immutable view of the cluster metadata; Metadata responses are answered from it.</summary>
public sealed class MetadataSnapshot
{
    public MetadataSnapshot(string clusterId, long version, IReadOnlyList<TopicMetadata> topics)
    {
        ClusterId = clusterId;
        Version = version;
        TopicsByName = topics.ToFrozenDictionary(t => t.Name, StringComparer.Ordinal);
        TopicsById = topics.ToFrozenDictionary(t => t.TopicId);
    }

    public static MetadataSnapshot Empty { get; } = new("", -1, []);

    public string ClusterId { get; }
    public long Version { get; }
    public FrozenDictionary<string, TopicMetadata> TopicsByName { get; }
    public FrozenDictionary<Guid, TopicMetadata> TopicsById { get; }
}
