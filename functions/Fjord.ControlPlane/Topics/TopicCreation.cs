namespace Fjord.ControlPlane.Topics;

/// <param name="Created">True when this call wrote the topic; false when an identical one was there already.</param>
/// <param name="Topic">The topic with its partitions as the store held them when the call stopped waiting.</param>
public sealed record TopicCreation(bool Created, TopicView Topic);
