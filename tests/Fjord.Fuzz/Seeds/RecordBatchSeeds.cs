using System.Buffers.Binary;
using Fjord.Log.Compression;
using Fjord.Log.Records;
using Fjord.Testing.Records;

namespace Fjord.Fuzz.Seeds;

/// <summary>Real v2 record batches as producers send them: random records, headers, several codecs.</summary>
internal static class RecordBatchSeeds
{
    /// <summary>Fast levels: seeds are built often, and the level does not change the framing.</summary>
    public static CompressionLevels Levels { get; } = new(1, 1, 1);

    public static byte[] Uncompressed(Random random)
    {
        var builder = new RecordBatchBuilder(1_700_000_000_000 + random.Next(1000));
        if (random.Next(3) == 0)
        {
            builder.WithProducer(random.Next(1000), (short)random.Next(5), random.Next(100));
        }

        var count = 1 + random.Next(random.Next(4) == 0 ? 40 : 5);
        for (var i = 0; i < count; i++)
        {
            var headers = new List<KeyValuePair<string, byte[]?>>();
            for (var h = random.Next(3) == 0 ? random.Next(3) : 0; h > 0; h--)
            {
                headers.Add(new("h" + h, random.Next(4) == 0 ? null : Bytes(random, random.Next(8))));
            }

            builder.Add(random.Next(3) == 0 ? null : Bytes(random, random.Next(16)), random.Next(8) == 0 ? null : Bytes(random, random.Next(64)), random.Next(100), headers);
        }

        return builder.Build();
    }

    /// <summary>An uncompressed batch with its records section rewritten in <paramref name="codec"/>.</summary>
    public static byte[] Compressed(Random random, CompressionType codec)
    {
        var plain = Uncompressed(random);
        using var output = new PooledBufferStream();
        output.Write(plain.AsSpan(0, RecordBatch.HeaderSize));
        RecordsCodec.Compress(codec, Levels, plain.AsSpan(RecordBatch.HeaderSize), output);
        var batch = output.WrittenSpan.ToArray();
        var attributes = (short)((BinaryPrimitives.ReadInt16BigEndian(batch.AsSpan(RecordBatch.AttributesOffset)) & ~RecordBatch.CompressionCodecMask) | (byte)codec);
        BinaryPrimitives.WriteInt16BigEndian(batch.AsSpan(RecordBatch.AttributesOffset), attributes);
        BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(RecordBatch.BatchLengthOffset), batch.Length - RecordBatch.LogOverhead);
        BinaryPrimitives.WriteUInt32BigEndian(batch.AsSpan(RecordBatch.CrcOffset), new RecordBatch(batch).ComputeCrc());
        return batch;
    }

    /// <summary>Any batch: mostly uncompressed, each codec now and then.</summary>
    public static byte[] Any(Random random) => random.Next(3) == 0
        ? Compressed(random, (CompressionType)(1 + random.Next(4)))
        : Uncompressed(random);

    private static byte[] Bytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
