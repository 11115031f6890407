namespace Fjord.Groups;

/// <summary>A member in DescribeGroups; metadata and assignment are empty unless the group is Stable (as Kafka).</summary>
public sealed record GroupMemberDescription(
    string MemberId,
    string? GroupInstanceId,
    string ClientId,
    string ClientHost,
    byte[] Metadata,
    byte[] Assignment);
