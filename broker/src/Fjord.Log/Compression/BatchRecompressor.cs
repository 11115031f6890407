using System.Buffers.Binary;
using Fjord.Log.Records;

namespace Fjord.Log.Compression;

/// <summary>
/// Kafka's LogValidator recompression: when a topic's compression.type names a codec, every batch
/// written in another codec is rewritten in it. Only the records section changes codec; the header
/// (producer id, epoch, base sequence, transactional flag, timestamps, lastOffsetDelta) is kept,
/// and because v2 records are encoded relative to the header, the inflated records are copied
/// as they are, with no per-record work beyond validating their framing. Control batches are never
/// rewritten, as in Kafka.
/// </summary>
public static class BatchRecompressor
{
    /// <summary>
    /// The most one batch's records may inflate to while being rewritten: 64 × max.message.bytes, at least
    /// 64 MiB. Far above what producers send (their batches are bounded by batch.size and max.request.size
    /// before compression), far below what a few hundred bytes of gzip or zstd can claim to expand to.
    /// </summary>
    public static int InflationLimit(int maxMessageBytes) =>
        (int)Math.Min(Array.MaxLength, Math.Max(64L << 20, 64L * maxMessageBytes));

    /// <summary>True when some data batch of a validated payload is stored in a codec other than <paramref name="target"/>.</summary>
    public static bool NeedsRecompression(ReadOnlySpan<byte> payload, CompressionType target)
    {
        var position = 0;
        while (position < payload.Length)
        {
            var attributes = BinaryPrimitives.ReadInt16BigEndian(payload[(position + RecordBatch.AttributesOffset)..]);
            if ((attributes & RecordBatch.ControlFlagMask) == 0 && (CompressionType)(attributes & RecordBatch.CompressionCodecMask) != target)
            {
                return true;
            }

            position += RecordBatch.LogOverhead + BinaryPrimitives.ReadInt32BigEndian(payload[(position + RecordBatch.BatchLengthOffset)..]);
        }

        return false;
    }

    /// <summary>
    /// Rewrites a payload that <see cref="BatchValidator"/> accepted. The caller owns (and disposes)
    /// the returned buffer. Throws <see cref="RecordTooLargeException"/> when a rewritten batch outgrows
    /// max.message.bytes, as Kafka re-checks sizes after recompression.
    /// </summary>
    public static PooledBufferStream Recompress(ReadOnlyMemory<byte> payload, CompressionType target, CompressionLevels levels, int maxMessageBytes)
    {
        var output = new PooledBufferStream(payload.Length + 1024);
        try
        {
            // Reused for every batch of the payload; it grows to the largest inflated records section.
            using var inflated = new PooledBufferStream(64 * 1024, InflationLimit(maxMessageBytes));
            var position = 0;
            while (position < payload.Length)
            {
                var size = RecordBatch.LogOverhead + BinaryPrimitives.ReadInt32BigEndian(payload.Span[(position + RecordBatch.BatchLengthOffset)..]);
                var source = payload.Slice(position, size);
                var attributes = BinaryPrimitives.ReadInt16BigEndian(source.Span[RecordBatch.AttributesOffset..]);
                if ((attributes & RecordBatch.ControlFlagMask) != 0 || (CompressionType)(attributes & RecordBatch.CompressionCodecMask) == target)
                {
                    output.Write(source.Span);
                }
                else
                {
                    var rewritten = RecompressBatch(source, target, levels, inflated, output, position);
                    if (rewritten > maxMessageBytes)
                    {
                        throw new RecordTooLargeException(
                            $"record batch at position {position} is {rewritten} bytes after recompression to {target}, above max.message.bytes {maxMessageBytes}");
                    }
                }

                position += size;
            }

            return output;
        }
        catch
        {
            output.Dispose();
            throw;
        }
    }

    /// <summary>Appends <paramref name="source"/> rewritten in <paramref name="target"/> to <paramref name="output"/>; returns its size.</summary>
    private static int RecompressBatch(ReadOnlyMemory<byte> source, CompressionType target, CompressionLevels levels,
        PooledBufferStream inflated, PooledBufferStream output, int positionForErrors)
    {
        var header = source.Span[..RecordBatch.HeaderSize];
        var sourceCodec = (CompressionType)(BinaryPrimitives.ReadInt16BigEndian(header[RecordBatch.AttributesOffset..]) & RecordBatch.CompressionCodecMask);
        ReadOnlySpan<byte> records;
        if (sourceCodec == CompressionType.None)
        {
            records = source.Span[RecordBatch.HeaderSize..];
        }
        else
        {
            inflated.Reset();
            RecordsCodec.Decompress(sourceCodec, source[RecordBatch.HeaderSize..], inflated);
            records = inflated.WrittenSpan;
        }

        // The validator could not look inside a compressed batch; the rewrite must not store records it would refuse.
        var count = BinaryPrimitives.ReadInt32BigEndian(header[RecordBatch.RecordsCountOffset..]);
        BatchValidator.ValidateRecords(records, count, positionForErrors);

        var start = output.WrittenCount;
        output.Write(header);
        RecordsCodec.Compress(target, levels, records, output);
        var batch = new RecordBatch(output.WrittenSpan[start..]);
        var attributes = (short)((BinaryPrimitives.ReadInt16BigEndian(header[RecordBatch.AttributesOffset..]) & ~RecordBatch.CompressionCodecMask) | (byte)target);
        BinaryPrimitives.WriteInt16BigEndian(batch.Bytes[RecordBatch.AttributesOffset..], attributes);
        BinaryPrimitives.WriteInt32BigEndian(batch.Bytes[RecordBatch.BatchLengthOffset..], batch.Bytes.Length - RecordBatch.LogOverhead);
        BinaryPrimitives.WriteUInt32BigEndian(batch.Bytes[RecordBatch.CrcOffset..], batch.ComputeCrc());
        return batch.Bytes.Length;
    }
}
