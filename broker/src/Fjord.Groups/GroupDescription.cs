using Fjord.Protocol;

namespace Fjord.Groups;

/// <summary>A DescribeGroups entry; an unknown group is described as Dead with no error, as Kafka does.</summary>
public sealed record GroupDescription(
    string GroupId,
    ErrorCode Error,
    GroupState State,
    string ProtocolType,
    string ProtocolName,
    IReadOnlyList<GroupMemberDescription> Members);
