namespace Fjord.Cluster;

/// <summary>A group record whose serialized members exceed <see cref="OffsetStoreLimits.MaxGroupMembersBytes"/>; nothing was written.</summary>
public sealed class GroupRecordTooLargeException(string groupId, int bytes)
    : ArgumentException($"The members of group '{groupId}' serialize to {bytes} bytes; at most {OffsetStoreLimits.MaxGroupMembersBytes} fit in the group record.")
{
    public string GroupId { get; } = groupId;

    public int Bytes { get; } = bytes;
}
