namespace Fjord.Groups;

/// <summary>An OffsetCommit answer: OffsetCommit has only per-partition errors.</summary>
public sealed record OffsetCommitResult(IReadOnlyList<OffsetPartitionError> Partitions);
