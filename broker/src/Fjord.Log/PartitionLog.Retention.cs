using Fjord.Log.Segments;

namespace Fjord.Log;

public sealed partial class PartitionLog
{
    /// <summary>
    /// DeleteRecords: moves LogStartOffset forward to <paramref name="offset"/> (never back) and deletes
    /// the segments wholly below it. Offsets above the high watermark are out of range. Returns the
    /// new log start offset; the log manager persists it in log-start-offset-checkpoint.
    /// </summary>
    public long DeleteRecordsBefore(long offset)
    {
        lock (_appendLock)
        {
            ThrowIfClosed();
            if (offset < 0 || offset > _highWatermark)
            {
                throw new OffsetOutOfRangeException($"cannot delete records before {offset}: high watermark of {TopicPartitionDirectory} is {_highWatermark}");
            }

            if (offset > _logStartOffset)
            {
                Volatile.Write(ref _logStartOffset, offset);
                _epochs.TruncateFromStart(offset);
            }

            DeleteOldSegments((_, next) => next is not null && next.BaseOffset <= _logStartOffset, "log start offset breach");
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
        Volatile.Write(ref _logStartOffset, Math.Max(_logStartOffset, segments[count].BaseOffset));
        Volatile.Write(ref _segments, segments[count..]);
        _epochs.TruncateFromStart(_logStartOffset);
        for (var i = 0; i < count; i++)
        {
            // Readers holding a reference keep the handle; new readers fail to acquire and retry on the new array.
            segments[i].Delete();
            Log.DeletedSegment(_logger, TopicPartitionDirectory, segments[i].BaseOffset, reason, _logStartOffset);
        }

        return count;
    }
}
