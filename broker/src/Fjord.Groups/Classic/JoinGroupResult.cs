using Fjord.Protocol;

namespace Fjord.Groups;

/// <summary>A JoinGroup answer; <see cref="Members"/> is non-empty only for the leader.</summary>
public sealed record JoinGroupResult(
    ErrorCode Error,
    int GenerationId,
    string? ProtocolType,
    string? ProtocolName,
    string LeaderId,
    string MemberId,
    bool SkipAssignment,
    IReadOnlyList<JoinGroupMember> Members)
{
    /// <summary>Kafka answers errors with generation -1 and empty leader and protocol.</summary>
    public static JoinGroupResult Failed(ErrorCode error, string memberId) =>
        new(error, -1, null, null, "", memberId, false, []);
}
