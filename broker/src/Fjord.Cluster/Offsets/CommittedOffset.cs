namespace Fjord.Cluster;

/// <summary>A consumer group's committed position in one partition, as OffsetCommit stores it.</summary>
public sealed record CommittedOffset(string Topic, int Partition, long Offset, int LeaderEpoch, string? Metadata, DateTimeOffset CommitTime);
