using Microsoft.Extensions.Logging;

namespace Fjord.Tiering;

internal static partial class TableRemoteLogMetadataStoreLog
{
    [LoggerMessage(EventId = 5101, Level = LogLevel.Debug, Message = "Remote segment {SegmentId} of {TopicId}-{Partition} moved under transition {From} → {To} on attempt {Attempt}; re-reading")]
    public static partial void TransitionConflict(ILogger logger, Guid topicId, int partition, Guid segmentId, RemoteSegmentState from, RemoteSegmentState to, int attempt);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Debug, Message = "Remote segment {SegmentId} of {TopicId}-{Partition} is {State}")]
    public static partial void Transitioned(ILogger logger, Guid topicId, int partition, Guid segmentId, RemoteSegmentState state);

    [LoggerMessage(EventId = 5103, Level = LogLevel.Warning, Message = "Refused an upload of {TopicId}-{Partition} by leader epoch {LeaderEpoch}: the partition is fenced at epoch {FenceEpoch} (a newer leader took over)")]
    public static partial void Fenced(ILogger logger, Guid topicId, int partition, int leaderEpoch, int fenceEpoch);
}
