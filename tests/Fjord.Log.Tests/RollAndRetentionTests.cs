using Fjord.Log.Records;
using Fjord.Log.Tests.Support;

namespace Fjord.Log.Tests;

public class RollAndRetentionTests
{
    private static readonly int BatchSize = RecordBatchBuilder.Build(10, 0).Length;

    private static string[] SegmentFiles(LogTestContext ctx) =>
        [.. Directory.GetFiles(ctx.PartitionDir, "*.log").Select(Path.GetFileName).Order()!];

    [Fact]
    public void SegmentsRollBySizeAndAreNamedByZeroPaddedBaseOffset()
    {
        using var ctx = new LogTestContext();
        var log = ctx.Open(LogConfig.Default with { SegmentBytes = (3 * BatchSize) + 1 });

        for (var i = 0; i < 7; i++)
        {
            LogTestContext.AppendCommitted(log, RecordBatchBuilder.Build(10, ctx.NowMs));
        }

        Assert.Equal(["00000000000000000000.log", "00000000000000000030.log", "00000000000000000060.log"], SegmentFiles(ctx));
        Assert.True(File.Exists(Path.Combine(ctx.PartitionDir, "00000000000000000030.index")));
        Assert.True(File.Exists(Path.Combine(ctx.PartitionDir, "00000000000000000030.timeindex")));
        using var read = log.Read(35, int.MaxValue, long.MaxValue, true);
        Assert.Equal(30, read.FirstOffset);
        Assert.Equal(3 * BatchSize, read.Length); // a read stays inside one segment, as Kafka's does
    }

    [Fact]
    public void SegmentsRollByTime()
    {
        using var ctx = new LogTestContext();
        var log = ctx.Open(LogConfig.Default with { SegmentMs = 1000 });
        LogTestContext.AppendCommitted(log, RecordBatchBuilder.Build(10, ctx.NowMs));
        ctx.Time.Advance(TimeSpan.FromMilliseconds(500));
        LogTestContext.AppendCommitted(log, RecordBatchBuilder.Build(10, ctx.NowMs));
        Assert.Equal(1, log.SegmentCount);

        ctx.Time.Advance(TimeSpan.FromMilliseconds(600));
        LogTestContext.AppendCommitted(log, RecordBatchBuilder.Build(10, ctx.NowMs));

        Assert.Equal([0L, 20L], log.SegmentBaseOffsets);
    }

    [Fact]
    public void TheOffsetIndexLeadsEveryOffsetToItsBatch()
    {
        using var ctx = new LogTestContext();
        var log = ctx.Open(LogConfig.Default with { IndexIntervalBytes = 200 });
        for (var i = 0; i < 50; i++)
        {
            LogTestContext.AppendCommitted(log, RecordBatchBuilder.Build(3, ctx.NowMs));
        }

        for (var offset = 0L; offset < 150; offset++)
        {
            using var read = log.Read(offset, 1, long.MaxValue, true);
            Assert.Equal(offset / 3 * 3, read.FirstOffset);
            var bytes = new byte[read.Length];
            read.CopyTo(bytes);
            Assert.Equal(offset / 3 * 3, new RecordBatch(bytes).BaseOffset);
        }

        log.Roll();
        Assert.True(new FileInfo(Path.Combine(ctx.PartitionDir, "00000000000000000000.index")).Length >= 8 * 10);
    }

    [Fact]
    public void RetentionByTimeDeletesExpiredSegmentsAndAdvancesTheLogStartOffset()
    {
        using var ctx = new LogTestContext();
        var log = ctx.Open(LogConfig.Default with { SegmentBytes = BatchSize + 1, RetentionMs = 10_000 });
        LogTestContext.AppendCommitted(log, RecordBatchBuilder.Build(10, ctx.NowMs));
        LogTestContext.AppendCommitted(log, RecordBatchBuilder.Build(10, ctx.NowMs));
        ctx.Time.Advance(TimeSpan.FromSeconds(8));
        LogTestContext.AppendCommitted(log, RecordBatchBuilder.Build(10, ctx.NowMs));
        ctx.Time.Advance(TimeSpan.FromSeconds(3));

        var deleted = log.ApplyRetention();

        Assert.Equal(2, deleted);
        Assert.Equal(20, log.LogStartOffset);
        Assert.Equal(["00000000000000000020.log"], SegmentFiles(ctx));
        Assert.Throws<OffsetOutOfRangeException>(() => log.Read(5, 100, long.MaxValue, true));
    }

    [Fact]
    public void WhenEverySegmentExpiresAnEmptyActiveSegmentRemainsAtTheLogEnd()
    {
        using var ctx = new LogTestContext();
        var log = ctx.Open(LogConfig.Default with { RetentionMs = 1000 });
        LogTestContext.AppendCommitted(log, RecordBatchBuilder.Build(10, ctx.NowMs));
        ctx.Time.Advance(TimeSpan.FromSeconds(2));

        log.ApplyRetention();

        Assert.Equal(10, log.LogStartOffset);
        Assert.Equal(10, log.LogEndOffset);
        Assert.Equal(["00000000000000000010.log"], SegmentFiles(ctx));
        Assert.Equal(10, LogTestContext.AppendCommitted(log, RecordBatchBuilder.Build(1, ctx.NowMs)).FirstOffset);
    }

    [Fact]
    public void RetentionByBytesDeletesOldestSegmentsWhileOverTheLimit()
    {
        using var ctx = new LogTestContext();
        var log = ctx.Open(LogConfig.Default with { SegmentBytes = BatchSize + 1, RetentionBytes = (2 * BatchSize) + 5 });
        for (var i = 0; i < 5; i++)
        {
            LogTestContext.AppendCommitted(log, RecordBatchBuilder.Build(10, ctx.NowMs));
        }

        log.ApplyRetention();

        // Kafka deletes a segment only if the log stays at or above retention.bytes without it.
        Assert.Equal(20, log.LogStartOffset);
        Assert.Equal(3, log.SegmentCount);
    }

    [Fact]
    public void RetentionNeverDeletesAboveTheHighWatermark()
    {
        using var ctx = new LogTestContext();
        var log = ctx.Open(LogConfig.Default with { SegmentBytes = BatchSize + 1, RetentionMs = 1000 });
        log.AppendAsLeader(RecordBatchBuilder.Build(10, ctx.NowMs), 0);
        log.AppendAsLeader(RecordBatchBuilder.Build(10, ctx.NowMs), 0);
        ctx.Time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(0, log.ApplyRetention());
        log.UpdateHighWatermark(10);
        Assert.Equal(1, log.ApplyRetention());
        Assert.Equal(10, log.LogStartOffset);
    }

    [Fact]
    public void DeleteRecordsMovesTheLogStartOffsetForwardOnly()
    {
        using var ctx = new LogTestContext();
        var log = ctx.Open(LogConfig.Default with { SegmentBytes = BatchSize + 1 });
        for (var i = 0; i < 3; i++)
        {
            LogTestContext.AppendCommitted(log, RecordBatchBuilder.Build(10, ctx.NowMs));
        }

        Assert.Equal(15, log.DeleteRecordsBefore(15));
        Assert.Equal(15, log.DeleteRecordsBefore(3));
        Assert.Throws<OffsetOutOfRangeException>(() => log.DeleteRecordsBefore(31));

        Assert.Equal([10L, 20L], log.SegmentBaseOffsets);
        Assert.Throws<OffsetOutOfRangeException>(() => log.Read(14, 1000, long.MaxValue, true));
        using var read = log.Read(15, int.MaxValue, long.MaxValue, true);
        Assert.Equal(10, read.FirstOffset); // the batch holding the start offset, as Kafka returns it
        Assert.Equal(new TimestampOffset(ctx.NowMs + 5, 15), log.FindOffsetByTimestamp(0));
    }
}
