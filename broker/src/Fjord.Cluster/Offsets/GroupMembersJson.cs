using System.Text.Json;
using System.Text.Json.Serialization;

namespace Fjord.Cluster;

/// <summary>
/// The members of a group record as UTF-8 JSON (byte arrays as base64), the one format both stores
/// use, so the in-memory fake enforces the same size limit as Table storage.
/// </summary>
internal static class GroupMembersJson
{
    public static byte[] Serialize(GroupRecord group)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(group.Members, GroupMembersJsonContext.Default.IReadOnlyListGroupMemberRecord);
        if (bytes.Length > OffsetStoreLimits.MaxGroupMembersBytes)
            throw new GroupRecordTooLargeException(group.GroupId, bytes.Length);
        return bytes;
    }

    public static IReadOnlyList<GroupMemberRecord> Deserialize(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize(json, GroupMembersJsonContext.Default.IReadOnlyListGroupMemberRecord)
        ?? throw new FormatException("The stored group members are JSON null.");
}

[JsonSerializable(typeof(IReadOnlyList<GroupMemberRecord>))]
internal sealed partial class GroupMembersJsonContext : JsonSerializerContext;
