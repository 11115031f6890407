namespace Fjord.Groups;

/// <summary>A member as the leader sees it in its JoinGroup response: the metadata of the selected protocol.</summary>
public sealed record JoinGroupMember(string MemberId, string? GroupInstanceId, byte[] Metadata);
