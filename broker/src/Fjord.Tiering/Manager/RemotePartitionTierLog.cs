using Microsoft.Extensions.Logging;

namespace Fjord.Tiering;

/// <summary>Source-generated log messages of the remote log manager; event ids 5200-5299.</summary>
internal static partial class RemotePartitionTierLog
{
    [LoggerMessage(EventId = 5200, Level = LogLevel.Information, Message = "Copied segment {BaseOffset}-{EndOffset} of {Topic}-{Partition} to remote storage as {SegmentId} ({SizeInBytes} bytes)")]
    public static partial void Copied(ILogger logger, string topic, int partition, long baseOffset, long endOffset, Guid segmentId, long sizeInBytes);

    [LoggerMessage(EventId = 5201, Level = LogLevel.Warning, Message = "Copying segment {BaseOffset} of {Topic}-{Partition} failed ({Failures} in a row); retrying in {Backoff}; upload lag {LagSegments} segments, {LagBytes} bytes")]
    public static partial void CopyFailed(ILogger logger, Exception exception, string topic, int partition, long baseOffset, int failures, TimeSpan backoff, int lagSegments, long lagBytes);

    [LoggerMessage(EventId = 5202, Level = LogLevel.Warning, Message = "Remote segment {SegmentId} of {Topic}-{Partition} was moved by another leader; this tier stops ({Step})")]
    public static partial void Fenced(ILogger logger, string topic, int partition, Guid segmentId, string step);

    [LoggerMessage(EventId = 5203, Level = LogLevel.Information, Message = "Deleted remote segment {SegmentId} ({BaseOffset}-{EndOffset}) of {Topic}-{Partition}: {Reason}")]
    public static partial void DeletedRemote(ILogger logger, string topic, int partition, Guid segmentId, long baseOffset, long endOffset, string reason);

    [LoggerMessage(EventId = 5204, Level = LogLevel.Warning, Message = "Deleted orphan blobs of segment {SegmentId} of {Topic}-{Partition} (no manifest entry)")]
    public static partial void DeletedOrphan(ILogger logger, string topic, int partition, Guid segmentId);

    [LoggerMessage(EventId = 5205, Level = LogLevel.Information, Message = "Deleted {Count} local segments of {Topic}-{Partition} below {Offset} ({Reason})")]
    public static partial void DeletedLocal(ILogger logger, string topic, int partition, int count, long offset, string reason);

    [LoggerMessage(EventId = 5206, Level = LogLevel.Warning, Message = "Local segment {BaseOffset}-{EndOffset} of {Topic}-{Partition} straddles the highest uploaded offset {HighestCopiedOffset}; it cannot be tiered without overlapping a remote segment, so uploads stop here")]
    public static partial void Straddles(ILogger logger, string topic, int partition, long baseOffset, long endOffset, long highestCopiedOffset);

    [LoggerMessage(EventId = 5207, Level = LogLevel.Information, Message = "Resumed {Topic}-{Partition}: {Cleaned} unfinished entries cleaned, {Orphans} orphans deleted, highest uploaded offset {HighestCopiedOffset}")]
    public static partial void Resumed(ILogger logger, string topic, int partition, int cleaned, int orphans, long highestCopiedOffset);

    [LoggerMessage(EventId = 5208, Level = LogLevel.Information, Message = "Upload lag of {Topic}-{Partition}: {LagSegments} segments, {LagBytes} bytes")]
    public static partial void UploadLag(ILogger logger, string topic, int partition, int lagSegments, long lagBytes);
}
