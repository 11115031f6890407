using System.Text.Json.Serialization;

namespace Fjord.ControlPlane.Client.Topics;

/// <summary>
/// A topic as the API shows it, under the tenant's own name. <see cref="State"/> and <see cref="PartitionStates"/>
/// are present for a single topic, absent in listings. <see cref="ETag"/> is the answer's <c>ETag</c> header (null in
/// a list): pass it back as <c>ifMatch</c> to change the topic only if nobody else has meanwhile.
/// </summary>
public sealed record TopicModel(
    string Name,
    Guid TopicId,
    int Partitions,
    short ReplicationFactor,
    IReadOnlyDictionary<string, string> Configs,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] TopicStatus? State = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<TopicPartitionModel>? PartitionStates = null)
{
    [JsonIgnore]
    public string? ETag { get; init; }

    /// <summary>How many partitions have a leader (0 when the answer carried no partition states).</summary>
    [JsonIgnore]
    public int PartitionsWithLeader => PartitionStates?.Count(p => p.Leader >= 0) ?? 0;
}
