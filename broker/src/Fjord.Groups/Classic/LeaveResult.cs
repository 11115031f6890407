using Fjord.Protocol;

namespace Fjord.Groups;

/// <summary>The outcome for one member of a (v3+ batched) LeaveGroup.</summary>
public sealed record LeaveResult(string MemberId, string? GroupInstanceId, ErrorCode Error);
