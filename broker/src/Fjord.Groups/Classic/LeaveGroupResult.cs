using Fjord.Protocol;

namespace Fjord.Groups;

/// <summary>A LeaveGroup answer: a group-level error and one result per leaving member.</summary>
public sealed record LeaveGroupResult(ErrorCode Error, IReadOnlyList<LeaveResult> Members);
