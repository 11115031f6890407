using Fjord.Protocol;

namespace Fjord.Groups;

/// <summary>
/// A committed position; a partition without one reads as offset -1, leader epoch -1, metadata "" (Kafka's answer).
/// <see cref="Error"/> is UNSTABLE_OFFSET_COMMIT when a stable answer was asked for and a transaction holds an
/// uncommitted offset for the partition.
/// </summary>
public sealed record FetchedOffset(string Topic, int Partition, long Offset, int LeaderEpoch, string Metadata, ErrorCode Error = ErrorCode.None);
