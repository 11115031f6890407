using Fjord.Protocol;

namespace Fjord.Groups;

/// <summary>An OffsetDelete answer: a group-level error and, when there is none, one result per partition.</summary>
public sealed record OffsetDeleteResult(ErrorCode Error, IReadOnlyList<OffsetPartitionError> Partitions);
