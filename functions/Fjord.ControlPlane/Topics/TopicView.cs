using Fjord.Cluster;

namespace Fjord.ControlPlane.Topics;

/// <summary>
/// A tenant's topic under the tenant's own name. <see cref="PartitionStates"/> is null in listings (which read no
/// partition rows) and holds the partitions the controller has written so far in a single topic's view.
/// </summary>
public sealed record TopicView(
    string Name,
    Guid TopicId,
    int Partitions,
    short ReplicationFactor,
    IReadOnlyDictionary<string, string> Configs,
    TopicState? State = null,
    IReadOnlyList<TopicPartitionView>? PartitionStates = null)
{
    public static TopicView From(string name, TopicMetadata topic, IReadOnlyList<PartitionState>? states = null)
    {
        ArgumentNullException.ThrowIfNull(topic);
        if (states is null) return new(name, topic.TopicId, topic.PartitionCount, topic.ReplicationFactor, topic.Configs);
        var partitions = states.Where(s => s.Partition < topic.PartitionCount)
            .Select(s => new TopicPartitionView(s.Partition, s.Leader, s.LeaderEpoch, s.Replicas, s.Isr))
            .ToList();
        var ready = partitions.Count(p => p.Leader >= 0) == topic.PartitionCount;
        return new(name, topic.TopicId, topic.PartitionCount, topic.ReplicationFactor, topic.Configs, ready ? TopicState.Ready : TopicState.Creating, partitions);
    }
}
