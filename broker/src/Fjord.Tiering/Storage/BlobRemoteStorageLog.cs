using Microsoft.Extensions.Logging;

namespace Fjord.Tiering;

internal static partial class BlobRemoteStorageLog
{
    [LoggerMessage(EventId = 5201, Level = LogLevel.Debug, Message = "Uploaded remote segment {SegmentId} of {TopicId}-{Partition} at base offset {BaseOffset}")]
    public static partial void Uploaded(ILogger logger, Guid topicId, int partition, long baseOffset, Guid segmentId);

    [LoggerMessage(EventId = 5202, Level = LogLevel.Debug, Message = "Deleted remote segment {SegmentId} of {TopicId}-{Partition} at base offset {BaseOffset}")]
    public static partial void Deleted(ILogger logger, Guid topicId, int partition, long baseOffset, Guid segmentId);

    [LoggerMessage(EventId = 5203, Level = LogLevel.Warning, Message = "Blob container {Container} was missing; created it")]
    public static partial void ContainerRecreated(ILogger logger, string container);
}
