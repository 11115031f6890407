using Fjord.Log.Records;
using Fjord.Log.Tests.Support;

namespace Fjord.Log.Tests;

public class TimestampLookupTests
{
    [Fact]
    public void TimestampLookupIsExactInsideACompressedBatch()
    {
        using var ctx = new LogTestContext();
        var log = ctx.Open(LogConfig.Default with { IndexIntervalBytes = 1 });
        var t0 = ctx.NowMs;
        LogTestContext.AppendCommitted(log, RecordBatchBuilder.Build(10, t0, compression: CompressionType.Gzip, timestampDelta: i => i * 10));
        LogTestContext.AppendCommitted(log, RecordBatchBuilder.Build(10, t0 + 1000, compression: CompressionType.Gzip, timestampDelta: i => i * 10));

        Assert.Equal(new TimestampOffset(t0 + 40, 4), log.FindOffsetByTimestamp(t0 + 35));
        Assert.Equal(new TimestampOffset(t0 + 40, 4), log.FindOffsetByTimestamp(t0 + 40));
        Assert.Equal(new TimestampOffset(t0, 0), log.FindOffsetByTimestamp(0));
        Assert.Equal(new TimestampOffset(t0 + 1000, 10), log.FindOffsetByTimestamp(t0 + 91));
        Assert.Equal(new TimestampOffset(t0 + 1090, 19), log.FindOffsetByTimestamp(t0 + 1081));
        Assert.Null(log.FindOffsetByTimestamp(t0 + 1091));
    }

    [Fact]
    public void TimestampLookupFindsTheEarliestOffsetWhenTimestampsAreUnordered()
    {
        using var ctx = new LogTestContext();
        var log = ctx.Open();
        var t0 = ctx.NowMs;
        long[] deltas = [50, 10, 70, 20, 60];
        LogTestContext.AppendCommitted(log, RecordBatchBuilder.Build(5, t0, timestampDelta: i => deltas[i]));

        Assert.Equal(new TimestampOffset(t0 + 50, 0), log.FindOffsetByTimestamp(t0 + 15));
        Assert.Equal(new TimestampOffset(t0 + 70, 2), log.FindOffsetByTimestamp(t0 + 65));
    }

    [Fact]
    public void MaxTimestampNamesTheRecordHoldingIt()
    {
        using var ctx = new LogTestContext();
        var log = ctx.Open(LogConfig.Default with { SegmentBytes = 200 });
        var t0 = ctx.NowMs;
        long[] deltas = [5, 900, 7];
        LogTestContext.AppendCommitted(log, RecordBatchBuilder.Build(3, t0, timestampDelta: i => i));
        LogTestContext.AppendCommitted(log, RecordBatchBuilder.Build(3, t0, compression: CompressionType.Gzip, timestampDelta: i => deltas[i]));
        LogTestContext.AppendCommitted(log, RecordBatchBuilder.Build(3, t0, timestampDelta: i => i));

        Assert.Equal(new TimestampOffset(t0 + 900, 4), log.MaxTimestamp());
    }

    [Fact]
    public void AnEmptyLogHasNoTimestamps()
    {
        using var ctx = new LogTestContext();
        var log = ctx.Open();

        Assert.Null(log.FindOffsetByTimestamp(0));
        Assert.Null(log.MaxTimestamp());
    }
}

public class CompressedTimestampLookupTests
{
    [Theory]
    [InlineData(CompressionType.Gzip)]
    [InlineData(CompressionType.Snappy)]
    [InlineData(CompressionType.Lz4)]
    [InlineData(CompressionType.Zstd)]
    public void EveryKafkaCodecIsInflatedForTimestampLookup(CompressionType compression)
    {
        using var ctx = new LogTestContext();
        var log = ctx.Open();
        var t0 = ctx.NowMs;
        var batch = RecordBatchBuilder.Build(50, t0, valueSize: 100, compression: compression, timestampDelta: i => i * 10);
        BatchValidator.Validate(batch, LogConfig.Default.MaxMessageBytes);
        LogTestContext.AppendCommitted(log, batch);

        Assert.Equal(new TimestampOffset(t0 + 330, 33), log.FindOffsetByTimestamp(t0 + 321));
        Assert.Equal(new TimestampOffset(t0 + 490, 49), log.MaxTimestamp());
    }
}
