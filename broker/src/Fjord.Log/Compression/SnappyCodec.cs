using System.Buffers.Binary;

namespace Fjord.Log.Compression;

/// <summary>
/// snappy in the snappy-java (Xerial) stream framing the Java client and Kafka's broker write:
/// a 16-byte header (magic, version 1, min-compatible version 1, int32 BE), then chunks of
/// int32 BE length + a raw snappy block of at most 32 KiB input. librdkafka reads it; on input
/// a bare snappy block (which some clients send) is accepted too.
/// </summary>
internal static class SnappyCodec
{
    private static ReadOnlySpan<byte> XerialHeader => [0x82, (byte)'S', (byte)'N', (byte)'A', (byte)'P', (byte)'P', (byte)'Y', 0, 0, 0, 0, 1, 0, 0, 0, 1];
    private const int XerialMagicLength = 8;
    private const int XerialHeaderLength = 16;
    // snappy-java's SnappyOutputStream default block size.
    private const int XerialBlockSize = 32 * 1024;
    // snappy's densest element, a copy with a two-byte offset, turns 3 bytes into at most 64.
    private const int MaxExpansion = 22;

    public static void Compress(ReadOnlySpan<byte> records, PooledBufferStream output)
    {
        output.Write(XerialHeader);
        var maxChunk = Snappier.Snappy.GetMaxCompressedLength(XerialBlockSize);
        for (var p = 0; p < records.Length; p += XerialBlockSize)
        {
            var block = records.Slice(p, Math.Min(XerialBlockSize, records.Length - p));
            var target = output.GetSpan(4 + maxChunk);
            var length = Snappier.Snappy.Compress(block, target[4..]);
            BinaryPrimitives.WriteInt32BigEndian(target, length);
            output.Advance(4 + length);
        }
    }

    public static void Decompress(ReadOnlySpan<byte> compressed, PooledBufferStream output)
    {
        if (!compressed.StartsWith(XerialHeader[..XerialMagicLength]))
        {
            DecompressBlock(compressed, output);
            return;
        }

        if (compressed.Length < XerialHeaderLength)
        {
            throw new InvalidDataException("truncated xerial snappy header");
        }

        var p = XerialHeaderLength;
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

            DecompressBlock(compressed.Slice(p, chunkLength), output);
            p += chunkLength;
        }
    }

    private static void DecompressBlock(ReadOnlySpan<byte> block, PooledBufferStream output)
    {
        // The block's preamble states its inflated length, and both we and Snappier allocate that much
        // up front: a producer's five bytes could claim 2 GiB. No block can inflate past MaxExpansion.
        var length = Snappier.Snappy.GetUncompressedLength(block);
        if (length > (long)block.Length * MaxExpansion)
        {
            throw new InvalidDataException($"snappy block of {block.Length} bytes claims to inflate to {length}");
        }

        var written = Snappier.Snappy.Decompress(block, output.GetSpan(length));
        output.Advance(written);
    }
}
