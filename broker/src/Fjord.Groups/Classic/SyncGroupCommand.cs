namespace Fjord.Groups;

/// <summary>One SyncGroup request; <see cref="Assignments"/> is only read from the leader.</summary>
/// <param name="ProtocolType">v5+; must equal the group's when set.</param>
/// <param name="ProtocolName">v5+; must equal the group's when set.</param>
public sealed record SyncGroupCommand(
    string GroupId,
    int GenerationId,
    string MemberId,
    string? GroupInstanceId,
    string? ProtocolType,
    string? ProtocolName,
    IReadOnlyList<(string MemberId, byte[] Assignment)> Assignments);
