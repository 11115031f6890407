using Fjord.Protocol;

namespace Fjord.Groups;

/// <summary>A SyncGroup answer: this member's assignment bytes, exactly as the leader sent them.</summary>
public sealed record SyncGroupResult(ErrorCode Error, string? ProtocolType, string? ProtocolName, byte[] Assignment)
{
    public static SyncGroupResult Failed(ErrorCode error) => new(error, null, null, []);
}
