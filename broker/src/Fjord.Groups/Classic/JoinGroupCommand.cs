namespace Fjord.Groups;

/// <summary>One JoinGroup request, version-independent.</summary>
/// <param name="MemberId">"" for a member that has none yet.</param>
/// <param name="Protocols">The member's assignors in preference order; metadata bytes are never parsed.</param>
/// <param name="RebalanceTimeoutMs">JoinGroup v0 has none: pass the session timeout, as Kafka does.</param>
/// <param name="RequireKnownMemberId">True for JoinGroup v4+ (KIP-394): a new dynamic member first gets MEMBER_ID_REQUIRED.</param>
/// <param name="SupportsSkipAssignment">True for JoinGroup v9+ (KIP-814): a rejoining static leader is told to skip assignment.</param>
public sealed record JoinGroupCommand(
    string GroupId,
    string MemberId,
    string? GroupInstanceId,
    string ProtocolType,
    IReadOnlyList<(string Name, byte[] Metadata)> Protocols,
    int SessionTimeoutMs,
    int RebalanceTimeoutMs,
    string ClientId,
    string ClientHost,
    bool RequireKnownMemberId,
    bool SupportsSkipAssignment = false,
    string? Reason = null);
