namespace Fjord.Groups;

/// <summary>A committed position; a partition without one reads as offset -1, leader epoch -1, metadata "" (Kafka's answer).</summary>
public sealed record FetchedOffset(string Topic, int Partition, long Offset, int LeaderEpoch, string Metadata);
