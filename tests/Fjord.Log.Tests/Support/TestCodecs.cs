using System.Buffers.Binary;
using System.IO.Hashing;
using Fjord.Log.Records;
using K4os.Compression.LZ4;

namespace Fjord.Log.Tests.Support;

/// <summary>Compresses a records section the way Kafka clients frame each codec.</summary>
internal static class TestCodecs
{
    public static byte[] Compress(CompressionType compression, byte[] records) => compression switch
    {
        CompressionType.Snappy => XerialSnappy(records),
        CompressionType.Lz4 => Lz4Frame(records),
        CompressionType.Zstd => new ZstdSharp.Compressor().Wrap(records).ToArray(),
        _ => throw new NotSupportedException(compression.ToString()),
    };

    // snappy-java's stream format, which the Java client and librdkafka emit: header, then
    // (int32 BE length, raw snappy block) chunks. Two chunks here, to exercise the loop.
    private static byte[] XerialSnappy(byte[] records)
    {
        var output = new MemoryStream();
        output.Write([0x82, (byte)'S', (byte)'N', (byte)'A', (byte)'P', (byte)'P', (byte)'Y', 0, 0, 0, 0, 1, 0, 0, 0, 1]);
        var half = records.Length / 2;
        foreach (var chunk in new[] { records[..half], records[half..] })
        {
            var compressed = Snappier.Snappy.CompressToArray(chunk);
            var length = new byte[4];
            BinaryPrimitives.WriteInt32BigEndian(length, compressed.Length);
            output.Write(length);
            output.Write(compressed);
        }

        return output.ToArray();
    }

    // LZ4 frame: magic, FLG (version 01, independent blocks), BD (64 KiB blocks), header checksum,
    // blocks of (uint32 LE size, data), end mark.
    private static byte[] Lz4Frame(byte[] records)
    {
        var output = new MemoryStream();
        var magic = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(magic, 0x184D2204);
        output.Write(magic);
        byte[] descriptor = [0x60, 0x40];
        output.Write(descriptor);
        output.WriteByte((byte)((XxHash32.HashToUInt32(descriptor) >> 8) & 0xFF));
        var target = new byte[LZ4Codec.MaximumOutputSize(records.Length)];
        var encoded = LZ4Codec.Encode(records, target);
        var size = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(size, (uint)encoded);
        output.Write(size);
        output.Write(target, 0, encoded);
        output.Write(new byte[4]);
        return output.ToArray();
    }
}
