namespace Fjord.Cluster;

/// <summary>
/// A consumer group as the offsets table holds it: its committed offsets, and the group record the coordinator
/// last wrote (at the end of each rebalance, and when the group became empty). <see cref="MemberCount"/> is null
/// when there is no record (offsets committed without joining the group, as admin tools and standalone consumers do).
/// </summary>
public sealed record ConsumerGroupSnapshot(
    string GroupId,
    string? ProtocolType,
    int? GenerationId,
    int? MemberCount,
    DateTimeOffset? StateTime,
    IReadOnlyList<CommittedOffsetHistory> Offsets);
