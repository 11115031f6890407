using System.Buffers.Binary;
using System.IO.Compression;
using K4os.Compression.LZ4;

namespace Fjord.Log.Records;

/// <summary>
/// Inflates a compressed batch's records section with the framing each Kafka client really
/// produces. Used only off the hot path (timestamp lookups), so it allocates freely.
/// </summary>
internal static class BatchDecompressor
{
    // Xerial snappy-java stream header: magic, then version and min-compatible version (int32 BE).
    private static ReadOnlySpan<byte> XerialMagic => [0x82, (byte)'S', (byte)'N', (byte)'A', (byte)'P', (byte)'P', (byte)'Y', 0];
    private const int XerialHeaderSize = 16;
    private const uint Lz4FrameMagic = 0x184D2204;
    private const int Lz4WindowSize = 64 * 1024;

    public static byte[] Decompress(CompressionType compression, ReadOnlySpan<byte> compressed)
    {
        try
        {
            return compression switch
            {
                CompressionType.None => compressed.ToArray(),
                CompressionType.Gzip => Inflate(compressed, static s => new GZipStream(s, CompressionMode.Decompress)),
                CompressionType.Snappy => DecompressSnappy(compressed),
                CompressionType.Lz4 => DecompressLz4Frame(compressed),
                CompressionType.Zstd => Inflate(compressed, static s => new ZstdSharp.DecompressionStream(s)),
                _ => throw new InvalidRecordException($"unknown compression codec {(int)compression}"),
            };
        }
        catch (Exception e) when (e is InvalidDataException or IOException or InvalidOperationException or ArgumentException or ZstdSharp.ZstdException)
        {
            throw new CorruptRecordException($"{compression} records cannot be decompressed: {e.Message}", e);
        }
    }

    private static byte[] Inflate(ReadOnlySpan<byte> compressed, Func<Stream, Stream> open)
    {
        using var input = new MemoryStream(compressed.ToArray(), writable: false);
        using var codec = open(input);
        using var output = new MemoryStream();
        codec.CopyTo(output);
        return output.ToArray();
    }

    private static byte[] DecompressSnappy(ReadOnlySpan<byte> compressed)
    {
        if (!compressed.StartsWith(XerialMagic))
        {
            // Some clients send a bare snappy block.
            return Snappier.Snappy.DecompressToArray(compressed);
        }

        using var output = new MemoryStream();
        var p = XerialHeaderSize;
        while (p < compressed.Length)
        {
            if (compressed.Length - p < 4)
            {
                throw new InvalidDataException("truncated xerial snappy chunk length");
            }

            var chunkLength = BinaryPrimitives.ReadInt32BigEndian(compressed[p..]);
            p += 4;
            if (chunkLength < 0 || chunkLength > compressed.Length - p)
            {
                throw new InvalidDataException("xerial snappy chunk runs past the batch");
            }

            output.Write(Snappier.Snappy.DecompressToArray(compressed.Slice(p, chunkLength)));
            p += chunkLength;
        }

        return output.ToArray();
    }

    /// <summary>LZ4 frame format (lz4_Frame_format.md), which Kafka clients use for magic v2.</summary>
    private static byte[] DecompressLz4Frame(ReadOnlySpan<byte> frame)
    {
        if (frame.Length < 7 || BinaryPrimitives.ReadUInt32LittleEndian(frame) != Lz4FrameMagic)
        {
            throw new InvalidDataException("missing LZ4 frame magic");
        }

        var flg = frame[4];
        var bd = frame[5];
        var blockChecksum = (flg & 0x10) != 0;
        var contentSize = (flg & 0x08) != 0;
        var contentChecksum = (flg & 0x04) != 0;
        var dictionaryId = (flg & 0x01) != 0;
        var blockMaxSize = ((bd >> 4) & 0x7) switch
        {
            4 => 64 * 1024,
            5 => 256 * 1024,
            6 => 1024 * 1024,
            7 => 4 * 1024 * 1024,
            _ => throw new InvalidDataException("invalid LZ4 block max size"),
        };

        var p = 6 + (contentSize ? 8 : 0) + (dictionaryId ? 4 : 0) + 1; // +1: header checksum byte
        var output = new List<byte>();
        var block = new byte[blockMaxSize];
        while (true)
        {
            if (frame.Length - p < 4)
            {
                throw new InvalidDataException("truncated LZ4 block size");
            }

            var rawSize = BinaryPrimitives.ReadUInt32LittleEndian(frame[p..]);
            p += 4;
            if (rawSize == 0)
            {
                break; // end mark
            }

            var uncompressed = (rawSize & 0x80000000) != 0;
            var size = (int)(rawSize & 0x7FFFFFFF);
            if (size > frame.Length - p)
            {
                throw new InvalidDataException("LZ4 block runs past the batch");
            }

            var data = frame.Slice(p, size);
            p += size + (blockChecksum ? 4 : 0);
            if (uncompressed)
            {
                output.AddRange(data);
                continue;
            }

            // Linked blocks may reference the previous 64 KiB of output; independent blocks ignore it.
            var produced = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(output);
            var dictionary = produced[Math.Max(0, produced.Length - Lz4WindowSize)..];
            var decoded = LZ4Codec.Decode(data, block, dictionary);
            if (decoded < 0)
            {
                throw new InvalidDataException("corrupt LZ4 block");
            }

            output.AddRange(block.AsSpan(0, decoded));
        }

        _ = contentChecksum;
        return [.. output];
    }
}
