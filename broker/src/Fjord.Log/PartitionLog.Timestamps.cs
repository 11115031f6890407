using System.Buffers;
using Fjord.Log.Records;
using Fjord.Log.Segments;

namespace Fjord.Log;

public sealed partial class PartitionLog
{
    /// <summary>
    /// ListOffsets by timestamp: the earliest offset (at or above LogStartOffset) whose record
    /// timestamp is at least <paramref name="timestamp"/>, exact at record level — compressed batches
    /// are inflated here, off the hot path. Null when no record qualifies.
    /// </summary>
    public TimestampOffset? FindOffsetByTimestamp(long timestamp)
    {
        var logStartOffset = LogStartOffset;
        foreach (var segment in Volatile.Read(ref _segments))
        {
            if (segment.MaxTimestamp < timestamp || segment.NextOffset <= logStartOffset || !segment.TryAcquire())
            {
                continue;
            }

            try
            {
                var fromOffset = Math.Max(segment.TimeIndex.Lookup(timestamp), logStartOffset);
                var found = ScanRecords(segment, fromOffset, (ts, offset) => ts >= timestamp && offset >= logStartOffset, stopAtFirst: true);
                if (found is not null)
                {
                    return found;
                }
            }
            finally
            {
                segment.Release();
            }
        }

        return null;
    }

    /// <summary>ListOffsets MAX_TIMESTAMP (-3): the record with the largest timestamp, earliest on ties.</summary>
    public TimestampOffset? MaxTimestamp()
    {
        LogSegment? best = null;
        foreach (var segment in Volatile.Read(ref _segments))
        {
            if (segment.MaxTimestamp >= 0 && (best is null || segment.MaxTimestamp > best.MaxTimestamp))
            {
                best = segment;
            }
        }

        if (best is null || !best.TryAcquire())
        {
            return null;
        }

        try
        {
            var max = best.MaxTimestamp;
            return ScanRecords(best, best.OffsetOfMaxTimestamp, (ts, _) => ts == max, stopAtFirst: true);
        }
        finally
        {
            best.Release();
        }
    }

    /// <summary>Walks batches from the one holding <paramref name="fromOffset"/> and their records until <paramref name="match"/> holds.</summary>
    private static TimestampOffset? ScanRecords(LogSegment segment, long fromOffset, Func<long, long, bool> match, bool stopAtFirst)
    {
        Span<byte> header = stackalloc byte[RecordBatch.HeaderSize];
        var limit = segment.Size;
        var position = segment.FindBatchPosition(fromOffset, limit, header);
        if (position < 0)
        {
            return null;
        }

        while (position + RecordBatch.HeaderSize <= limit)
        {
            segment.Read(position, header);
            var size = new RecordBatch(header).SizeInBytes;
            var buffer = ArrayPool<byte>.Shared.Rent(size);
            try
            {
                segment.Read(position, buffer.AsSpan(0, size));
                var found = MatchInBatch(buffer.AsSpan(0, size), match);
                if (found is not null && stopAtFirst)
                {
                    return found;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            position += size;
        }

        return null;
    }

    private static TimestampOffset? MatchInBatch(Span<byte> bytes, Func<long, long, bool> match)
    {
        var batch = new RecordBatch(bytes);
        var baseOffset = batch.BaseOffset;
        if (batch.TimestampType == TimestampType.LogAppendTime)
        {
            // Every record of a LogAppendTime batch carries the batch's maxTimestamp.
            var ts = batch.MaxTimestamp;
            for (var offset = baseOffset; offset <= batch.LastOffset; offset++)
            {
                if (match(ts, offset))
                {
                    return new TimestampOffset(ts, offset);
                }
            }

            return null;
        }

        // Timestamps are unordered inside a batch, but none exceeds maxTimestamp: skip batches that cannot match.
        if (!match(batch.MaxTimestamp, long.MaxValue))
        {
            return null;
        }

        var baseTimestamp = batch.BaseTimestamp;
        ReadOnlySpan<byte> records = batch.Compression == CompressionType.None
            ? bytes[RecordBatch.HeaderSize..batch.SizeInBytes]
            : BatchDecompressor.Decompress(batch.Compression, batch.Records);
        var reader = new RecordReader(records);
        for (var i = 0; i < batch.RecordsCount; i++)
        {
            if (!reader.TryNext(out var offsetDelta, out var timestampDelta, out var error))
            {
                throw new CorruptRecordException($"batch at offset {baseOffset}: {error}");
            }

            if (match(baseTimestamp + timestampDelta, baseOffset + offsetDelta))
            {
                return new TimestampOffset(baseTimestamp + timestampDelta, baseOffset + offsetDelta);
            }
        }

        return null;
    }
}
