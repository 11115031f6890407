using Microsoft.Extensions.Logging;

namespace Fjord.Log;

/// <summary>Source-generated log messages of the partition log; event ids 1000-1099 belong to Fjord.Log.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Loaded log {Directory}: {SegmentCount} segments, log start offset {LogStartOffset}, log end offset {LogEndOffset}, {RecoveredSegments} segments recovered")]
    public static partial void Loaded(ILogger logger, string directory, int segmentCount, long logStartOffset, long logEndOffset, int recoveredSegments);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "Recovery truncated {TruncatedBytes} invalid bytes at the tail of segment {BaseOffset} in {Directory}")]
    public static partial void TruncatedTail(ILogger logger, string directory, long baseOffset, long truncatedBytes);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Rolled new segment {BaseOffset} in {Directory}")]
    public static partial void Rolled(ILogger logger, string directory, long baseOffset);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "Deleted segment {BaseOffset} of {Directory} ({Reason}); log start offset now {LogStartOffset}")]
    public static partial void DeletedSegment(ILogger logger, string directory, long baseOffset, string reason, long logStartOffset);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "Deleted stray file {Path}")]
    public static partial void DeletedStray(ILogger logger, string path);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Warning, Message = "Log directory {Directory} holds topic id {StoredTopicId}, expected {TopicId}: removing the stale log of a deleted topic")]
    public static partial void StaleTopicId(ILogger logger, string directory, Guid storedTopicId, Guid topicId);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Error, Message = "Background log task {Task} failed")]
    public static partial void BackgroundFailed(ILogger logger, Exception exception, string task);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Warning, Message = "Deleted segment {BaseOffset} of {Directory} after an invalid segment during recovery")]
    public static partial void DeletedAfterCorruption(ILogger logger, string directory, long baseOffset);

    [LoggerMessage(EventId = 1009, Level = LogLevel.Warning, Message = "Could not write the producer snapshot of {Directory} at close; the next start rebuilds producer state from the log")]
    public static partial void SnapshotFailed(ILogger logger, Exception exception, string directory);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Information, Message = "Deleted local segment {BaseOffset} of {Directory} (uploaded to the remote tier); local log start offset now {LocalLogStartOffset}, log start offset stays {LogStartOffset}")]
    public static partial void DeletedLocalSegment(ILogger logger, string directory, long baseOffset, long localLogStartOffset, long logStartOffset);
}
