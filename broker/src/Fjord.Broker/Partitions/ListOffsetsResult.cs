using Fjord.Protocol;

namespace Fjord.Broker.Partitions;

/// <summary>One partition's answer to ListOffsets: the offset (and its timestamp) or an error.</summary>
public readonly record struct ListOffsetsResult(ErrorCode Error, long Offset = -1, long Timestamp = -1, int LeaderEpoch = -1)
{
    public static ListOffsetsResult Failed(ErrorCode error) => new(error);
}
