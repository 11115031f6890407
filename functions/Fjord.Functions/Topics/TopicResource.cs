using System.Text.Json.Serialization;
using Fjord.ControlPlane.Topics;

namespace Fjord.Functions.Topics;

/// <summary>
/// A topic as the API shows it, under the tenant's own name. <see cref="State"/> and <see cref="PartitionStates"/>
/// are present when the answer read the partition rows (a single topic), absent in listings.
/// </summary>
public sealed record TopicResource(
    string Name,
    Guid TopicId,
    int Partitions,
    short ReplicationFactor,
    IReadOnlyDictionary<string, string> Configs,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] TopicState? State = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<TopicPartitionView>? PartitionStates = null)
{
    public static TopicResource From(TopicView topic)
    {
        ArgumentNullException.ThrowIfNull(topic);
        return new(topic.Name, topic.TopicId, topic.Partitions, topic.ReplicationFactor, topic.Configs, topic.State, topic.PartitionStates);
    }
}
