using System.Buffers.Binary;
using Fjord.Fuzz.Seeds;
using Fjord.Log;
using Fjord.Log.Compression;
using Fjord.Log.Records;

namespace Fjord.Fuzz.Targets;

/// <summary>
/// The produce path's record checks: <see cref="BatchValidator.Validate"/> over a partition's
/// payload and, for a payload it accepts, the recompression a topic with its own
/// compression.type applies (which inflates the batch and validates the records inside).
/// Input: byte 0 holds flags, the rest is the payload. Flags: bits 0-2 the topic codec
/// (0-4; 5-7 means compression.type=producer), bit 3 recomputes each batch's CRC and bit 4
/// fixes the first batch's batchLength before validating, so mutations get past those
/// checks to the records and the codecs. The only allowed failures are the validator's
/// documented rejections; a valid payload must recompress or be rejected the same way.
/// </summary>
internal sealed class BatchTarget : IFuzzTarget
{
    // Kafka's max.message.bytes default.
    private const int MaxMessageBytes = 1_048_588;

    public string Name => "batch";

    public List<byte[]> CreateSeeds(Random random)
    {
        var seeds = new List<byte[]>();
        for (var i = 0; i < 400; i++)
        {
            var batches = 1 + (random.Next(4) == 0 ? random.Next(3) : 0);
            var payload = new List<byte> { (byte)random.Next(256) };
            for (var b = 0; b < batches; b++)
            {
                payload.AddRange(i < 50 ? RecordBatchSeeds.Uncompressed(random) : RecordBatchSeeds.Compressed(random, (CompressionType)(1 + (i % 4))));
            }

            seeds.Add([.. payload]);
        }

        return seeds;
    }

    public bool Execute(byte[] input)
    {
        if (input.Length < 1)
        {
            return false;
        }

        var payload = Prepare(input, out var codec);
        try
        {
            BatchValidator.Validate(payload, MaxMessageBytes);
            if (codec <= (int)CompressionType.Zstd && BatchRecompressor.NeedsRecompression(payload, (CompressionType)codec))
            {
                using var rewritten = BatchRecompressor.Recompress(payload, (CompressionType)codec, RecordBatchSeeds.Levels, MaxMessageBytes);
                CheckRewritten(rewritten.WrittenSpan);
            }

            return true;
        }
        catch (LogException e) when (e is CorruptRecordException or InvalidRecordException or UnsupportedMessageFormatException or RecordTooLargeException)
        {
            return false;
        }
    }

    public string? DescribeInput(byte[] input) =>
        input.Length < 1 ? null : $"payload {Convert.ToHexString(Prepare(input, out var codec))}, topic codec {codec}";

    /// <summary>The payload after the repairs the flags ask for, and the topic codec (above 4: none).</summary>
    private static byte[] Prepare(byte[] input, out int codec)
    {
        var flags = input[0];
        codec = flags & 0x07;
        var payload = input.AsSpan(1).ToArray();
        if ((flags & 0x10) != 0 && payload.Length >= RecordBatch.HeaderSize)
        {
            BinaryPrimitives.WriteInt32BigEndian(payload.AsSpan(RecordBatch.BatchLengthOffset), payload.Length - RecordBatch.LogOverhead);
        }

        if ((flags & 0x08) != 0)
        {
            RepairCrcs(payload);
        }

        return payload;
    }

    /// <summary>A recompressed payload must itself pass the validator: it goes to the log as it is.</summary>
    private static void CheckRewritten(ReadOnlySpan<byte> rewritten)
    {
        try
        {
            BatchValidator.Validate(rewritten, int.MaxValue);
        }
        catch (LogException e)
        {
            throw new FuzzAssertionException($"the recompressed payload fails validation: {e.Message}");
        }
    }

    /// <summary>Walks the batches as far as their lengths allow and recomputes each CRC-32C.</summary>
    private static void RepairCrcs(byte[] payload)
    {
        var position = 0;
        while (payload.Length - position >= RecordBatch.HeaderSize)
        {
            var batchLength = BinaryPrimitives.ReadInt32BigEndian(payload.AsSpan(position + RecordBatch.BatchLengthOffset));
            if (batchLength < RecordBatch.HeaderSize - RecordBatch.LogOverhead || batchLength > payload.Length - position - RecordBatch.LogOverhead)
            {
                return;
            }

            var batch = new RecordBatch(payload.AsSpan(position, batchLength + RecordBatch.LogOverhead));
            BinaryPrimitives.WriteUInt32BigEndian(batch.Bytes[RecordBatch.CrcOffset..], batch.ComputeCrc());
            position += batchLength + RecordBatch.LogOverhead;
        }
    }
}
