using System.Buffers.Binary;
using System.IO.Compression;
using Fjord.Log.Compression;
using Fjord.Log.Records;

namespace Fjord.Log.Tests.Compression;

public class RecordsCodecTests
{
    public static TheoryData<CompressionType, int> CodecsAndSizes()
    {
        var data = new TheoryData<CompressionType, int>();
        foreach (var codec in new[] { CompressionType.None, CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd })
            // 1 byte, one block, and several 32/64 KiB blocks with a short tail.
            foreach (var size in new[] { 1, 16 * 1024, 300_001 })
                data.Add(codec, size);
        return data;
    }

    private static byte[] Sample(int size, int seed)
    {
        // Half repetitive (compresses), half random (blocks that do not shrink are stored raw by lz4).
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes.AsSpan(size / 2));
        for (var i = 0; i < size / 2; i++) bytes[i] = (byte)("kafka-record-"[i % 13]);
        return bytes;
    }

    private static byte[] Compress(CompressionType codec, byte[] input, CompressionLevels? levels = null)
    {
        using var output = new PooledBufferStream();
        RecordsCodec.Compress(codec, levels ?? CompressionLevels.Default, input, output);
        return output.WrittenSpan.ToArray();
    }

    private static byte[] Decompress(CompressionType codec, byte[] input)
    {
        using var output = new PooledBufferStream();
        RecordsCodec.Decompress(codec, input, output);
        return output.WrittenSpan.ToArray();
    }

    [Theory]
    [MemberData(nameof(CodecsAndSizes))]
    public void EveryCodecRoundTrips(CompressionType codec, int size)
    {
        var input = Sample(size, size);
        Assert.Equal(input, Decompress(codec, Compress(codec, input)));
    }

    [Theory]
    [InlineData(CompressionType.Gzip, 1)]
    [InlineData(CompressionType.Gzip, 9)]
    [InlineData(CompressionType.Gzip, -1)]
    [InlineData(CompressionType.Lz4, 1)]
    [InlineData(CompressionType.Lz4, 2)]
    [InlineData(CompressionType.Lz4, 12)]
    [InlineData(CompressionType.Lz4, 17)]
    [InlineData(CompressionType.Zstd, -131072)]
    [InlineData(CompressionType.Zstd, -5)]
    [InlineData(CompressionType.Zstd, 22)]
    public void EveryKafkaLevelRoundTrips(CompressionType codec, int level)
    {
        var levels = codec switch
        {
            CompressionType.Gzip => CompressionLevels.Default with { Gzip = level },
            CompressionType.Lz4 => CompressionLevels.Default with { Lz4 = level },
            _ => CompressionLevels.Default with { Zstd = level },
        };
        var input = Sample(100_000, level);
        Assert.Equal(input, Decompress(codec, Compress(codec, input, levels)));
    }

    [Fact]
    public void HigherLevelsCompressSmallerWhereTheCodecAllowsIt()
    {
        var input = Sample(200_000, 7);
        Assert.True(Compress(CompressionType.Gzip, input, CompressionLevels.Default with { Gzip = 9 }).Length
            < Compress(CompressionType.Gzip, input, CompressionLevels.Default with { Gzip = 1 }).Length);
        Assert.True(Compress(CompressionType.Zstd, input, CompressionLevels.Default with { Zstd = 19 }).Length
            < Compress(CompressionType.Zstd, input, CompressionLevels.Default with { Zstd = -50 }).Length);
    }

    [Fact]
    public void GzipIsAStandardGzipStream()
    {
        var input = Sample(50_000, 1);
        var compressed = Compress(CompressionType.Gzip, input);
        Assert.Equal([0x1f, 0x8b], compressed[..2]);
        using var gzip = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
        var inflated = new MemoryStream();
        gzip.CopyTo(inflated);
        Assert.Equal(input, inflated.ToArray());
    }

    [Fact]
    public void SnappyIsXerialFramedInThirtyTwoKibBlocksAsTheJavaClientWrites()
    {
        var input = Sample(100_000, 2);
        var compressed = Compress(CompressionType.Snappy, input);
        Assert.Equal([0x82, (byte)'S', (byte)'N', (byte)'A', (byte)'P', (byte)'P', (byte)'Y', 0, 0, 0, 0, 1, 0, 0, 0, 1], compressed[..16]);
        var inflated = new MemoryStream();
        var blocks = 0;
        for (var p = 16; p < compressed.Length; blocks++)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(compressed.AsSpan(p));
            var block = Snappier.Snappy.DecompressToArray(compressed.AsSpan(p + 4, length));
            Assert.True(block.Length <= 32 * 1024);
            inflated.Write(block);
            p += 4 + length;
        }

        Assert.Equal(4, blocks);
        Assert.Equal(input, inflated.ToArray());
    }

    [Fact]
    public void SnappyAcceptsABareBlockAsSomeClientsSendIt()
    {
        var input = Sample(10_000, 3);
        Assert.Equal(input, Decompress(CompressionType.Snappy, Snappier.Snappy.CompressToArray(input)));
    }

    [Fact]
    public void Lz4IsAFrameWithIndependentSixtyFourKibBlocksAndAValidHeaderChecksum()
    {
        var input = Sample(150_000, 4);
        var compressed = Compress(CompressionType.Lz4, input);
        Assert.Equal(0x184D2204u, BinaryPrimitives.ReadUInt32LittleEndian(compressed));
        Assert.Equal(0x60, compressed[4]); // version 01, independent blocks, no checksums, no content size
        Assert.Equal(0x40, compressed[5]); // 64 KiB blocks
        Assert.Equal((byte)(System.IO.Hashing.XxHash32.HashToUInt32(compressed.AsSpan(4, 2)) >> 8), compressed[6]);
        // Each block decodes on its own with the plain block decoder.
        var inflated = new MemoryStream();
        for (var p = 7; ;)
        {
            var raw = BinaryPrimitives.ReadUInt32LittleEndian(compressed.AsSpan(p));
            p += 4;
            if (raw == 0) break;
            var size = (int)(raw & 0x7FFFFFFF);
            if ((raw & 0x80000000) != 0)
            {
                inflated.Write(compressed.AsSpan(p, size));
            }
            else
            {
                var block = new byte[64 * 1024];
                var decoded = K4os.Compression.LZ4.LZ4Codec.Decode(compressed.AsSpan(p, size), block);
                inflated.Write(block.AsSpan(0, decoded));
            }
            p += size;
        }

        Assert.Equal(input, inflated.ToArray());
    }

    [Fact]
    public void ZstdIsOneStandardFrame()
    {
        var input = Sample(80_000, 5);
        var compressed = Compress(CompressionType.Zstd, input);
        Assert.Equal(0xFD2FB528u, BinaryPrimitives.ReadUInt32LittleEndian(compressed));
        using var decompressor = new ZstdSharp.Decompressor();
        Assert.Equal(input, decompressor.Unwrap(compressed).ToArray());
    }

    [Fact]
    public void ZstdWithoutAContentSizeInflates()
    {
        // The Java client streams zstd, so its frames carry no content size.
        var input = Sample(80_000, 6);
        var stream = new MemoryStream();
        using (var zstd = new ZstdSharp.CompressionStream(stream, 3, leaveOpen: true))
        {
            zstd.Write(input);
        }

        Assert.Equal(input, Decompress(CompressionType.Zstd, stream.ToArray()));
    }

    [Theory]
    [InlineData(CompressionType.Gzip)]
    [InlineData(CompressionType.Snappy)]
    [InlineData(CompressionType.Lz4)]
    [InlineData(CompressionType.Zstd)]
    public void GarbageIsACorruptRecord(CompressionType codec)
    {
        var compressed = Compress(codec, Sample(20_000, 8));
        compressed.AsSpan(compressed.Length / 3, 40).Fill(0xA5);
        compressed[0] ^= 0x55;
        Assert.Throws<CorruptRecordException>(() => Decompress(codec, compressed));
    }
}
