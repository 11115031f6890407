using Microsoft.Extensions.Logging;

namespace Fjord.Groups;

/// <summary>The group coordinator's log events (ids 3000-3099).</summary>
internal static partial class GroupCoordinatorLog
{
    [LoggerMessage(EventId = 3000, Level = LogLevel.Information, Message = "Group {GroupId} preparing rebalance in generation {GenerationId}: {Reason}")]
    public static partial void PreparingRebalance(ILogger logger, string groupId, int generationId, string reason);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Group {GroupId} generation {GenerationId} completed its join with {MemberCount} members, protocol {ProtocolName}")]
    public static partial void JoinCompleted(ILogger logger, string groupId, int generationId, int memberCount, string? protocolName);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Group {GroupId} is Stable in generation {GenerationId}")]
    public static partial void Stabilized(ILogger logger, string groupId, int generationId);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "Member {MemberId} removed from group {GroupId}: {Reason}")]
    public static partial void MemberRemoved(ILogger logger, string memberId, string groupId, string reason);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Information, Message = "Static member {GroupInstanceId} of group {GroupId} replaced {OldMemberId} with {NewMemberId}")]
    public static partial void StaticMemberReplaced(ILogger logger, string groupInstanceId, string groupId, string oldMemberId, string newMemberId);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning, Message = "Offset store write for group {GroupId} failed")]
    public static partial void StoreWriteFailed(ILogger logger, string groupId, Exception exception);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Warning, Message = "Offset store read for group {GroupId} failed")]
    public static partial void StoreReadFailed(ILogger logger, string groupId, Exception exception);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Information, Message = "Expired {OffsetCount} offsets of group {GroupId}; group removed: {GroupRemoved}")]
    public static partial void OffsetsExpired(ILogger logger, string groupId, int offsetCount, bool groupRemoved);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Error, Message = "Offset expiry job failed")]
    public static partial void ExpiryFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3009, Level = LogLevel.Information, Message = "Group {GroupId} deleted")]
    public static partial void GroupDeleted(ILogger logger, string groupId);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Information, Message = "Unloaded {GroupCount} groups this broker no longer coordinates")]
    public static partial void GroupsUnloaded(ILogger logger, int groupCount);
}
