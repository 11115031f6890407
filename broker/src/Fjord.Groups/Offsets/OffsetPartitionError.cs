using Fjord.Protocol;

namespace Fjord.Groups;

/// <summary>A per-partition outcome (OffsetCommit, OffsetDelete).</summary>
public sealed record OffsetPartitionError(string Topic, int Partition, ErrorCode Error);
