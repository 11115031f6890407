using System.Buffers.Binary;
using System.IO.Hashing;
using K4os.Compression.LZ4;

namespace Fjord.Log.Compression;

/// <summary>
/// LZ4 frame format (lz4_Frame_format.md), which Kafka uses for magic 1 and 2. Written the way the
/// Java client's KafkaLZ4BlockOutputStream writes it: version 01, independent blocks, 64 KiB
/// blocks, no block or content checksum, no content size; a block that does not shrink is stored
/// raw. K4os encodes and decodes the blocks; only the frame around them is assembled here.
/// </summary>
internal static class Lz4FrameCodec
{
    private const uint FrameMagic = 0x184D2204;
    private const byte FlagVersion01 = 0x40;
    private const byte FlagBlockIndependence = 0x20;
    private const byte FlagBlockChecksum = 0x10;
    private const byte FlagContentSize = 0x08;
    private const byte FlagDictionaryId = 0x01;
    private const byte BlockMaxSize64K = 4 << 4;
    private const int BlockSize = 64 * 1024;
    private const uint UncompressedBlockBit = 0x80000000;
    // Linked blocks may reference this much of the output already produced.
    private const int WindowSize = 64 * 1024;

    public static void Compress(ReadOnlySpan<byte> records, int level, PooledBufferStream output)
    {
        var lz4Level = ToK4osLevel(level);
        var header = output.GetSpan(7);
        BinaryPrimitives.WriteUInt32LittleEndian(header, FrameMagic);
        header[4] = FlagVersion01 | FlagBlockIndependence;
        header[5] = BlockMaxSize64K;
        // The header checksum is the second byte of xxHash32 over the descriptor (Kafka fixed its
        // off-by-the-magic checksum in KAFKA-3160; librdkafka and lz4 check this one).
        header[6] = (byte)(XxHash32.HashToUInt32(header[4..6]) >> 8);
        output.Advance(7);

        var maxBlock = LZ4Codec.MaximumOutputSize(BlockSize);
        for (var p = 0; p < records.Length; p += BlockSize)
        {
            var block = records.Slice(p, Math.Min(BlockSize, records.Length - p));
            var target = output.GetSpan(4 + Math.Max(maxBlock, block.Length));
            var encoded = LZ4Codec.Encode(block, target[4..], lz4Level);
            if (encoded <= 0 || encoded >= block.Length)
            {
                block.CopyTo(target[4..]);
                BinaryPrimitives.WriteUInt32LittleEndian(target, (uint)block.Length | UncompressedBlockBit);
                output.Advance(4 + block.Length);
            }
            else
            {
                BinaryPrimitives.WriteUInt32LittleEndian(target, (uint)encoded);
                output.Advance(4 + encoded);
            }
        }

        BinaryPrimitives.WriteUInt32LittleEndian(output.GetSpan(4), 0); // end mark
        output.Advance(4);
    }

    public static void Decompress(ReadOnlySpan<byte> frame, PooledBufferStream output)
    {
        if (frame.Length < 7 || BinaryPrimitives.ReadUInt32LittleEndian(frame) != FrameMagic)
        {
            throw new InvalidDataException("missing LZ4 frame magic");
        }

        var flags = frame[4];
        var blockChecksum = (flags & FlagBlockChecksum) != 0;
        var blockMaxSize = ((frame[5] >> 4) & 0x7) switch
        {
            4 => 64 * 1024,
            5 => 256 * 1024,
            6 => 1024 * 1024,
            7 => 4 * 1024 * 1024,
            _ => throw new InvalidDataException("invalid LZ4 block max size"),
        };

        var start = output.WrittenCount;
        var p = 6 + ((flags & FlagContentSize) != 0 ? 8 : 0) + ((flags & FlagDictionaryId) != 0 ? 4 : 0) + 1; // +1: header checksum
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
                return; // end mark; a content checksum may follow, which the batch CRC already covers
            }

            var size = (int)(rawSize & ~UncompressedBlockBit);
            if (size > frame.Length - p || size > blockMaxSize)
            {
                throw new InvalidDataException("LZ4 block runs past the batch or its declared maximum");
            }

            var data = frame.Slice(p, size);
            p += size + (blockChecksum ? 4 : 0);
            if ((rawSize & UncompressedBlockBit) != 0)
            {
                output.Write(data);
                continue;
            }

            // Each extra match-length byte adds at most 255 bytes, so a block inflates to less than
            // 255 times its size: a tiny block in a frame that declares 4 MiB blocks gets a small buffer.
            var capacity = (int)Math.Min(blockMaxSize, (255L * size) + 64);
            var target = output.GetSpan(capacity)[..capacity];
            var produced = output.WrittenSpan[start..];
            var decoded = LZ4Codec.Decode(data, target, produced[Math.Max(0, produced.Length - WindowSize)..]);
            if (decoded < 0)
            {
                throw new InvalidDataException("corrupt LZ4 block");
            }

            output.Advance(decoded);
        }
    }

    /// <summary>
    /// Kafka maps level 1 to lz4's fast compressor and 2..17 to its HC compressor, which caps at 12;
    /// K4os has no HC level below 3, so 2 takes the nearest.
    /// </summary>
    private static LZ4Level ToK4osLevel(int level) => level switch
    {
        <= 1 => LZ4Level.L00_FAST,
        2 => LZ4Level.L03_HC,
        >= 12 => LZ4Level.L12_MAX,
        _ => (LZ4Level)level,
    };
}
