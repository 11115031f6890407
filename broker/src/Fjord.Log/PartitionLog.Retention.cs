using Fjord.Log.Segments;

namespace Fjord.Log;

public sealed partial class PartitionLog
{
    /// <summary>
    /// DeleteRecords: moves LogStartOffset forward to <paramref name="offset"/> (never back) and deletes
    /// the segments wholly below it. Offsets above the high watermark are out of range. Returns the
    /// new log start offset; the log manager persists it in log-start-offset-checkpoint.
    /// </summary>
    public long DeleteRecordsBefore(long offset) => MoveLogStartOffset(offset, "delete records before");

    /// <summary>
    /// Remote retention (KIP-405): moves LogStartOffset forward to <paramref name="offset"/> (never back,
    /// never above the high watermark) after the tier deleted the remote segments below it. The offset
    /// need not be on local disk: it may lie below <see cref="LocalLogStartOffset"/>. Local segments
    /// wholly below it go, as with DeleteRecords, and the log manager checkpoints it the same way.
    /// Returns the new log start offset.
    /// </summary>
    public long SetLogStartOffset(long offset) => MoveLogStartOffset(offset, "set the log start offset to");

    private long MoveLogStartOffset(long offset, string what)
    {
        lock (_appendLock)
        {
            ThrowIfClosed();
            _openedLogStartOffset = -1;
            if (offset < 0 || offset > _highWatermark)
            {
                throw new OffsetOutOfRangeException($"cannot {what} {offset}: high watermark of {TopicPartitionDirectory} is {_highWatermark}");
            }

            if (offset > _logStartOffset)
            {
                Volatile.Write(ref _logStartOffset, offset);
                _epochs.TruncateFromStart(offset);
            }

            DeleteOldSegments((_, next) => next is not null && next.BaseOffset <= _logStartOffset, "log start offset breach");
            _producers.EvictProducersBelow(_logStartOffset);
            return _logStartOffset;
        }
    }

    /// <summary>
    /// Kafka's deleteOldSegments: segments below the log start offset, then retention.ms (by each
    /// segment's largest timestamp), then retention.bytes (oldest first while the log stays at or
    /// above the limit). Only segments wholly below the high watermark go. Returns how many were deleted.
    /// </summary>
    public int ApplyRetention()
    {
        lock (_appendLock)
        {
            if (_closed)
            {
                return 0;
            }

            var config = Config;
            var nowMs = NowMs();
            var deleted = DeleteOldSegments((_, next) => next is not null && next.BaseOffset <= _logStartOffset, "log start offset breach");
            if (config.RemoteStorageEnable)
            {
                // A tiered log's retention belongs to the tier manager: it deletes a local segment only after
                // uploading it (DeleteLocalSegmentsBefore) and remote ones via SetLogStartOffset.
                return deleted;
            }

            if (config.RetentionMs >= 0)
            {
                deleted += DeleteOldSegments((segment, _) => nowMs - segment.LargestTimestamp > config.RetentionMs, "retention.ms");
            }

            if (config.RetentionBytes >= 0)
            {
                var excess = Size - config.RetentionBytes;
                deleted += DeleteOldSegments(
                    (segment, _) =>
                    {
                        if (excess - segment.Size < 0)
                        {
                            return false;
                        }

                        excess -= segment.Size;
                        return true;
                    },
                    "retention.bytes");
            }

            return deleted;
        }
    }

    /// <summary>
    /// Local retention of a tiered log (KIP-405): deletes the closed segments, oldest first, whose end
    /// (next offset) is at or below <paramref name="offset"/> and below the high watermark. Only
    /// <see cref="LocalLogStartOffset"/> moves; LogStartOffset and the leader epochs stay, because the
    /// tier still serves those offsets. The active segment is never deleted. Returns how many went.
    /// </summary>
    public int DeleteLocalSegmentsBefore(long offset)
    {
        lock (_appendLock)
        {
            if (_closed)
            {
                return 0;
            }

            var segments = _segments;
            var count = 0;
            while (count < segments.Length - 1 && segments[count].NextOffset <= offset && segments[count].NextOffset <= _highWatermark)
            {
                count++;
            }

            if (count == 0)
            {
                return 0;
            }

            // Readers that took the old array fail to acquire a deleted segment and retry on this one,
            // where the offset is below the first base: OffsetBelowLocalLogException, not a skip ahead.
            Volatile.Write(ref _segments, segments[count..]);
            for (var i = 0; i < count; i++)
            {
                segments[i].Delete();
                Log.DeletedLocalSegment(_logger, TopicPartitionDirectory, segments[i].BaseOffset, segments[count].BaseOffset, _logStartOffset);
            }

            _producers.DeleteSnapshotsBefore(segments[count].BaseOffset);

            return count;
        }
    }

    /// <summary>Caller holds the append lock. The predicate sees each segment and its successor (null for the active one).</summary>
    private int DeleteOldSegments(Func<LogSegment, LogSegment?, bool> predicate, string reason)
    {
        var segments = _segments;
        var highWatermark = _highWatermark;
        var count = 0;
        for (var i = 0; i < segments.Length; i++)
        {
            var segment = segments[i];
            var next = i + 1 < segments.Length ? segments[i + 1] : null;
            var upperBound = next?.BaseOffset ?? _logEndOffset;
            var isLastAndEmpty = next is null && segment.Size == 0;
            if (highWatermark < upperBound || isLastAndEmpty || !predicate(segment, next))
            {
                break;
            }

            count++;
        }

        if (count == 0)
        {
            return 0;
        }

        if (count == segments.Length)
        {
            // Every segment expired: roll so an empty active segment remains and the start offset reaches the end.
            RollCore(NowMs());
            segments = _segments;
        }

        // Start offset before the array: a reader that sees the shorter array also sees the new start
        // offset, so it answers OffsetOutOfRange instead of silently skipping ahead.
        _openedLogStartOffset = -1;
        Volatile.Write(ref _logStartOffset, Math.Max(_logStartOffset, segments[count].BaseOffset));
        Volatile.Write(ref _segments, segments[count..]);
        _epochs.TruncateFromStart(_logStartOffset);
        for (var i = 0; i < count; i++)
        {
            // Readers holding a reference keep the handle; new readers fail to acquire and retry on the new array.
            segments[i].Delete();
            Log.DeletedSegment(_logger, TopicPartitionDirectory, segments[i].BaseOffset, reason, _logStartOffset);
        }

        _producers.DeleteSnapshotsBefore(segments[count].BaseOffset);
        _producers.EvictProducersBelow(_logStartOffset);

        return count;
    }
}
