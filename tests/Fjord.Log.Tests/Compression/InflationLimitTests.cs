using System.Buffers.Binary;
using System.IO.Compression;
using Fjord.Log.Compression;
using Fjord.Log.Records;
using Fjord.Log.Tests.Support;

namespace Fjord.Log.Tests.Compression;

/// <summary>
/// gzip and zstd have no block length to check up front: a small batch can inflate to gigabytes. A
/// recompressing leader stops at <see cref="BatchRecompressor.InflationLimit"/> and refuses the batch
/// as corrupt, having taken no more than twice that limit of memory (the buffer grows by doubling).
/// </summary>
public class InflationLimitTests
{
    private const int MaxMessageBytes = 1_048_588;

    [Theory]
    [InlineData(CompressionType.Gzip)]
    [InlineData(CompressionType.Zstd)]
    public void ABatchInflatingPastTheLimitIsRefusedWithinTheLimit(CompressionType codec)
    {
        var limit = BatchRecompressor.InflationLimit(MaxMessageBytes);
        var payload = BatchOf(codec, Compress(codec, new byte[limit + (1 << 20)]));
        BatchValidator.Validate(payload, MaxMessageBytes);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var refused = Assert.Throws<CorruptRecordException>(() => BatchRecompressor.Recompress(payload, CompressionType.Lz4, CompressionLevels.Default, MaxMessageBytes).Dispose());

        Assert.Contains("limit", refused.Message);
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, (2L * limit) + (4L << 20));
    }

    [Fact]
    public void TheLimitIsSixtyFourMessagesAndNeverBelowSixtyFourMebibytes()
    {
        Assert.Equal(64 * 1_048_588, BatchRecompressor.InflationLimit(1_048_588));
        Assert.Equal(64 << 20, BatchRecompressor.InflationLimit(1000));
        Assert.Equal(64 * 10_000_000, BatchRecompressor.InflationLimit(10_000_000));
        Assert.Equal(Array.MaxLength, BatchRecompressor.InflationLimit(int.MaxValue));
    }

    [Fact]
    public void ABatchUnderTheLimitStillRecompresses()
    {
        var batch = RecordBatchBuilder.Build(100, 1_700_000_000_000, valueSize: 1000, compression: CompressionType.Gzip);

        using var rewritten = BatchRecompressor.Recompress(batch, CompressionType.Zstd, CompressionLevels.Default, MaxMessageBytes);

        Assert.True(new RecordBatch(rewritten.WrittenSpan).IsCrcValid());
    }

    private static byte[] Compress(CompressionType codec, byte[] records)
    {
        var output = new MemoryStream();
        if (codec == CompressionType.Gzip)
        {
            using var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true);
            gzip.Write(records);
        }
        else
        {
            using var compressor = new ZstdSharp.Compressor(1);
            output.Write(compressor.Wrap(records));
        }

        return output.ToArray();
    }

    /// <summary>A valid batch header (one record claimed) around <paramref name="compressed"/>, length and CRC fixed.</summary>
    private static byte[] BatchOf(CompressionType codec, byte[] compressed)
    {
        var header = RecordBatchBuilder.Build(1, 1_700_000_000_000, compression: codec).AsSpan(0, RecordBatch.HeaderSize);
        var batch = new byte[RecordBatch.HeaderSize + compressed.Length];
        header.CopyTo(batch);
        compressed.CopyTo(batch, RecordBatch.HeaderSize);
        BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(RecordBatch.BatchLengthOffset), batch.Length - RecordBatch.LogOverhead);
        BinaryPrimitives.WriteUInt32BigEndian(batch.AsSpan(RecordBatch.CrcOffset), new RecordBatch(batch).ComputeCrc());
        return batch;
    }
}
