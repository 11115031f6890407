namespace Fjord.ControlPlane.Client.Topics;

/// <summary>
/// What a create answered. <see cref="Created"/>: this call made the topic (201 or 202), false when the same topic
/// existed (200). <see cref="StatusLocation"/>: where to follow it until it is ready (the answer's <c>Location</c>).
/// </summary>
public sealed record CreatedTopicModel(TopicModel Topic, bool Created, string StatusLocation)
{
    /// <summary>Every partition has a leader: clients can produce and consume now.</summary>
    public bool Ready => Topic.State == TopicStatus.Ready;
}
