using Fjord.Log.Records;
using Fjord.Log.Segments;

namespace Fjord.Log;

public sealed partial class PartitionLog
{
    /// <summary>
    /// Kafka's fetch read: whole batches, starting at the batch holding <paramref name="fetchOffset"/>,
    /// stopping before any batch that reaches <paramref name="maxOffsetExclusive"/> (the high watermark
    /// for consumers), within one segment, at most <paramref name="maxBytes"/> unless
    /// <paramref name="minOneMessage"/> lets one larger first batch through. Dispose the result.
    /// Throws <see cref="OffsetOutOfRangeException"/> outside [LogStartOffset, LogEndOffset] and
    /// <see cref="OffsetBelowLocalLogException"/> in [LogStartOffset, LocalLogStartOffset).
    /// </summary>
    public LogReadResult Read(long fetchOffset, int maxBytes, long maxOffsetExclusive, bool minOneMessage)
    {
        Interlocked.Increment(ref _reads);
        Span<byte> header = stackalloc byte[RecordBatch.HeaderSize];
        while (true)
        {
            // Log end offset first: the segment array read after it holds every byte below it.
            var logEndOffset = LogEndOffset;
            var segments = Volatile.Read(ref _segments);
            var logStartOffset = LogStartOffset;
            var highWatermark = HighWatermark;
            if (fetchOffset < logStartOffset || fetchOffset > logEndOffset)
            {
                throw new OffsetOutOfRangeException($"fetch offset {fetchOffset} is outside [{logStartOffset}, {logEndOffset}] of {TopicPartitionDirectory}");
            }

            if (fetchOffset < segments[0].BaseOffset)
            {
                // Only a tiered log gets here: its uploaded segments were deleted locally, the start offset stayed.
                throw new OffsetBelowLocalLogException(fetchOffset, segments[0].BaseOffset, $"fetch offset {fetchOffset} of {TopicPartitionDirectory} is below the local log start offset {segments[0].BaseOffset}: read it from the remote tier");
            }

            if (fetchOffset >= maxOffsetExclusive || fetchOffset == logEndOffset)
            {
                return LogReadResult.Empty(fetchOffset, highWatermark, logStartOffset, logEndOffset);
            }

            var retry = false;
            for (var i = IndexOfSegmentHolding(segments, fetchOffset); i < segments.Length; i++)
            {
                var segment = segments[i];
                if (!segment.TryAcquire())
                {
                    retry = true; // deleted under us by retention or DeleteRecords: re-evaluate against a fresh snapshot
                    break;
                }

                var (found, start, length, firstOffset) = ReadFromSegment(segment, fetchOffset, maxBytes, maxOffsetExclusive, minOneMessage, header);
                if (found && length > 0)
                {
                    // The result owns the segment reference now.
                    return new LogReadResult(segment, fetchOffset, start, length, firstOffset, highWatermark, logStartOffset, logEndOffset)
                    {
                        UpperBoundOffset = Math.Min(maxOffsetExclusive, segment.NextOffset),
                    };
                }

                segment.Release();
                if (found)
                {
                    return LogReadResult.Empty(fetchOffset, highWatermark, logStartOffset, logEndOffset);
                }
            }

            if (!retry)
            {
                return LogReadResult.Empty(fetchOffset, highWatermark, logStartOffset, logEndOffset);
            }
        }
    }

    /// <summary>How many times <see cref="Read"/> ran: a fetch should read each partition once.</summary>
    public long ReadCount => Interlocked.Read(ref _reads);

    /// <summary>
    /// Roughly how many bytes lie between two offsets, from segment sizes and the offset index alone (no
    /// file access): what a waiting fetch compares with its min_bytes. Exact at segment ends; elsewhere
    /// it may be off by up to index.interval.bytes. At least 1 whenever <paramref name="toOffset"/> is
    /// past <paramref name="fromOffset"/>, so one record always counts as data.
    /// </summary>
    public long EstimateBytesBetween(long fromOffset, long toOffset)
    {
        if (toOffset <= fromOffset)
        {
            return 0;
        }

        var segments = Volatile.Read(ref _segments);
        long total = 0;
        for (var i = IndexOfSegmentHolding(segments, fromOffset); i < segments.Length; i++)
        {
            var segment = segments[i];
            if (segment.BaseOffset >= toOffset)
            {
                break;
            }

            long start = segment.BaseOffset >= fromOffset ? 0 : segment.OffsetIndex.Lookup(fromOffset);
            long end = toOffset >= segment.NextOffset ? segment.Size : segment.OffsetIndex.Lookup(toOffset);
            total += Math.Max(0, end - start);
        }

        return Math.Max(total, 1);
    }

    /// <summary>
    /// Finds the region to send without walking it: the fetch offset's batch comes from the offset index
    /// (plus the few headers after the entry), the committed end is where the first batch reaching
    /// <paramref name="maxOffsetExclusive"/> starts (the segment's end when all of it is below), and the
    /// byte budget is cut at the last indexed batch start inside it, then filled with at most
    /// index.interval.bytes of batches read header by header. A megabyte fetch reads a handful of headers,
    /// not one per batch.
    /// </summary>
    private static (bool Found, long Start, int Length, long FirstOffset) ReadFromSegment(LogSegment segment, long fetchOffset, int maxBytes, long maxOffsetExclusive, bool minOneMessage, Span<byte> header)
    {
        // Size before NextOffset: every batch inside the size read is below the next offset read after it.
        var size = segment.Size;
        var start = segment.FindBatchPosition(fetchOffset, size, header);
        if (start < 0)
        {
            return default;
        }

        var first = new RecordBatch(header);
        var firstOffset = first.BaseOffset;
        var firstSize = first.SizeInBytes;
        if (first.LastOffset >= maxOffsetExclusive || start + firstSize > size)
        {
            return (true, start, 0, firstOffset);
        }

        var limit = size;
        if (maxOffsetExclusive < segment.NextOffset)
        {
            var committedEnd = segment.FindBatchPosition(maxOffsetExclusive, size, header);
            if (committedEnd >= 0)
            {
                limit = committedEnd;
            }
        }

        var budgetEnd = start + maxBytes;
        if (limit <= budgetEnd)
        {
            return (true, start, (int)(limit - start), firstOffset);
        }

        var end = Math.Max(start, segment.OffsetIndex.LastPositionAtOrBelow(budgetEnd));
        while (end + RecordBatch.HeaderSize <= limit)
        {
            segment.Read(end, header);
            var batchEnd = end + new RecordBatch(header).SizeInBytes;
            if (batchEnd > budgetEnd || batchEnd > limit)
            {
                break;
            }

            end = batchEnd;
        }

        if (end == start && minOneMessage)
        {
            end = start + firstSize;
        }

        return (true, start, (int)(end - start), firstOffset);
    }

    private static int IndexOfSegmentHolding(LogSegment[] segments, long offset)
    {
        int lo = 0, hi = segments.Length - 1, found = 0;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (segments[mid].BaseOffset <= offset)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return found;
    }
}
