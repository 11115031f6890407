using Microsoft.Extensions.Logging;

namespace Fjord.Tiering;

internal static partial class RemoteLogReaderLog
{
    [LoggerMessage(EventId = 5451, Level = LogLevel.Debug, Message = "Read-ahead of chunk {Chunk} of remote segment {SegmentId} failed")]
    public static partial void ReadAheadFailed(ILogger logger, Guid segmentId, long chunk, Exception exception);

    [LoggerMessage(EventId = 5452, Level = LogLevel.Warning, Message = "Remote read of {TopicId}-{Partition} at offset {Offset} failed")]
    public static partial void ReadFailed(ILogger logger, Guid topicId, int partition, long offset, Exception exception);

    [LoggerMessage(EventId = 5454, Level = LogLevel.Debug, Message = "Remote read of {TopicId}-{Partition} at offset {Offset} failed again: {Reason}")]
    public static partial void ReadFailedAgain(ILogger logger, Guid topicId, int partition, long offset, string reason);

    [LoggerMessage(EventId = 5453, Level = LogLevel.Warning, Message = "Remote segment {SegmentId} has no valid batch at position {Position}; treating it as the segment's end")]
    public static partial void BadBatch(ILogger logger, Guid segmentId, long position);
}
