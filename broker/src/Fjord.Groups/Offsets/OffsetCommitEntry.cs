namespace Fjord.Groups;

/// <summary>One partition of an OffsetCommit; <see cref="LeaderEpoch"/> is -1 when the client sent none.</summary>
public sealed record OffsetCommitEntry(string Topic, int Partition, long Offset, int LeaderEpoch, string? Metadata);
