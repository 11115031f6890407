using System.Buffers.Binary;

namespace Fjord.Log.Records;

/// <summary>
/// Validates a produce payload (one or more v2 batches) before anything is written: Kafka's
/// LogValidator rules minus the ones that need decompression. Either the whole payload passes or
/// it throws, so a partially valid payload never reaches the log.
/// </summary>
public static class BatchValidator
{
    public static PayloadSummary Validate(ReadOnlySpan<byte> payload, int maxMessageBytes)
    {
        if (payload.IsEmpty)
        {
            throw new InvalidRecordException("produce payload holds no record batch");
        }

        var position = 0;
        var batches = 0;
        var records = 0;
        while (position < payload.Length)
        {
            var remaining = payload[position..];
            var size = ValidateBatch(remaining, maxMessageBytes, position);
            records += BinaryPrimitives.ReadInt32BigEndian(remaining[RecordBatch.RecordsCountOffset..]);
            position += size;
            batches++;
        }

        return new PayloadSummary(batches, records, payload.Length);
    }

    /// <summary>Validates the batch at the start of <paramref name="source"/> and returns its size.</summary>
    public static int ValidateBatch(ReadOnlySpan<byte> source, int maxMessageBytes, long positionForErrors = 0)
    {
        if (source.Length <= RecordBatch.MagicOffset)
        {
            throw new CorruptRecordException($"truncated record batch at position {positionForErrors}: {source.Length} bytes left, header needs {RecordBatch.HeaderSize}");
        }

        var magic = source[RecordBatch.MagicOffset];
        if (magic is 0 or 1)
        {
            throw new UnsupportedMessageFormatException($"record batch at position {positionForErrors} has magic {magic}; only magic 2 is accepted");
        }

        if (magic != RecordBatch.CurrentMagic)
        {
            throw new CorruptRecordException($"record batch at position {positionForErrors} has unknown magic {magic}");
        }

        var batchLength = BinaryPrimitives.ReadInt32BigEndian(source[RecordBatch.BatchLengthOffset..]);
        if (batchLength < RecordBatch.HeaderSize - RecordBatch.LogOverhead)
        {
            throw new CorruptRecordException($"record batch at position {positionForErrors} declares batchLength {batchLength}, below the v2 header size");
        }

        var size = (long)batchLength + RecordBatch.LogOverhead;
        if (size > maxMessageBytes)
        {
            throw new RecordTooLargeException($"record batch at position {positionForErrors} is {size} bytes, above max.message.bytes {maxMessageBytes}");
        }

        if (size > source.Length)
        {
            throw new CorruptRecordException($"truncated record batch at position {positionForErrors}: batch needs {size} bytes, {source.Length} present");
        }

        // RecordBatch wants a writable span for its setters; validation only reads.
        var bytes = System.Runtime.InteropServices.MemoryMarshal.CreateSpan(
            ref System.Runtime.InteropServices.MemoryMarshal.GetReference(source), (int)size);
        var batch = new RecordBatch(bytes);
        if (!batch.IsCrcValid())
        {
            throw new CorruptRecordException($"record batch at position {positionForErrors} fails its CRC-32C check");
        }

        var count = batch.RecordsCount;
        if (count < 1)
        {
            throw new InvalidRecordException($"record batch at position {positionForErrors} holds {count} records; at least one is required");
        }

        if (batch.LastOffsetDelta != count - 1)
        {
            throw new InvalidRecordException($"record batch at position {positionForErrors} has lastOffsetDelta {batch.LastOffsetDelta} but {count} records");
        }

        if (batch.Compression == CompressionType.None)
        {
            ValidateRecords(batch.Records, count, positionForErrors);
        }
        else if ((int)batch.Compression > (int)CompressionType.Zstd)
        {
            throw new InvalidRecordException($"record batch at position {positionForErrors} uses unknown compression codec {(int)batch.Compression}");
        }

        return (int)size;
    }

    internal static void ValidateRecords(ReadOnlySpan<byte> records, int count, long positionForErrors)
    {
        var reader = new RecordReader(records);
        for (var expected = 0; expected < count; expected++)
        {
            if (!reader.TryNext(out var offsetDelta, out _, out var error))
            {
                throw new InvalidRecordException($"record {expected} of the batch at position {positionForErrors}: {error}");
            }

            if (offsetDelta != expected)
            {
                throw new InvalidRecordException($"record {expected} of the batch at position {positionForErrors} has offsetDelta {offsetDelta}; deltas must run 0..n-1");
            }
        }

        if (!reader.AtEnd)
        {
            throw new InvalidRecordException($"the batch at position {positionForErrors} has bytes after its {count} records");
        }
    }
}
