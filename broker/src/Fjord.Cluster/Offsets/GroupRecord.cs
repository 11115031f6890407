namespace Fjord.Cluster;

/// <summary>
/// The durable part of a classic consumer group, written when a rebalance completes (as Kafka
/// writes its group metadata record), so a restarted coordinator knows the generation, the
/// chosen protocol and the static members.
/// </summary>
public sealed record GroupRecord(
    string GroupId,
    string ProtocolType,
    int GenerationId,
    string? ProtocolName,
    string? LeaderId,
    DateTimeOffset StateTime,
    IReadOnlyList<GroupMemberRecord> Members);

public sealed record GroupMemberRecord(
    string MemberId,
    string? GroupInstanceId,
    string ClientId,
    string ClientHost,
    int RebalanceTimeoutMs,
    int SessionTimeoutMs,
    byte[] Subscription,
    byte[] Assignment);
