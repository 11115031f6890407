using Fjord.Log.Records;
using Fjord.Log.Tests.Support;

namespace Fjord.Log.Tests;

public class AppendAndReadTests
{
    [Fact]
    public void AppendedBatchesReadBackByteExactWithAssignedOffsetsAndEpoch()
    {
        using var ctx = new LogTestContext();
        var log = ctx.Open();
        var first = RecordBatchBuilder.Build(10, ctx.NowMs);
        var second = RecordBatchBuilder.Build(5, ctx.NowMs, compression: CompressionType.Gzip);

        var r1 = LogTestContext.AppendCommitted(log, first, epoch: 3);
        var r2 = LogTestContext.AppendCommitted(log, second, epoch: 3);

        Assert.Equal(new AppendResult(0, 9, -1, 0, 10), r1);
        Assert.Equal(new AppendResult(10, 14, -1, 0, 5), r2);
        Assert.Equal(15, log.LogEndOffset);
        var read = LogTestContext.ReadAll(log, 0);
        Assert.Equal(RecordBatchBuilder.Concat(first, second), read);
        var batch = new RecordBatch(read.AsSpan(first.Length));
        Assert.Equal(10, batch.BaseOffset);
        Assert.Equal(3, batch.PartitionLeaderEpoch);
        Assert.True(batch.IsCrcValid());
        Assert.Equal(3, log.LatestLeaderEpoch);
    }

    [Fact]
    public async Task ReadStartsAtTheBatchHoldingTheFetchOffset()
    {
        using var ctx = new LogTestContext();
        var log = ctx.Open();
        var batches = Enumerable.Range(0, 4).Select(_ => RecordBatchBuilder.Build(5, ctx.NowMs)).ToArray();
        foreach (var b in batches)
        {
            LogTestContext.AppendCommitted(log, b);
        }

        using var result = log.Read(12, int.MaxValue, long.MaxValue, minOneMessage: true);

        Assert.Equal(12, result.FetchOffset);
        Assert.Equal(10, result.FirstOffset);
        Assert.Equal(batches[2].Length + batches[3].Length, result.Length);
        var viaAsync = new byte[result.Length];
        Assert.Equal(result.Length, await result.CopyToAsync(viaAsync));
        Assert.Equal(RecordBatchBuilder.Concat(batches[2], batches[3]), viaAsync);
    }

    [Fact]
    public void ReadStopsBeforeTheHighWatermark()
    {
        using var ctx = new LogTestContext();
        var log = ctx.Open();
        LogTestContext.AppendCommitted(log, RecordBatchBuilder.Build(5, ctx.NowMs));
        var uncommitted = RecordBatchBuilder.Build(5, ctx.NowMs);
        log.AppendAsLeader(uncommitted, 0);

        using var result = log.Read(0, int.MaxValue, log.HighWatermark, minOneMessage: true);
        using var beyond = log.Read(5, int.MaxValue, log.HighWatermark, minOneMessage: true);

        Assert.Equal(5, log.HighWatermark);
        Assert.Equal(10, log.LogEndOffset);
        Assert.Equal(uncommitted.Length, result.Length); // same size as the first batch
        Assert.True(beyond.IsEmpty);
    }

    [Fact]
    public void MaxBytesReturnsWholeBatchesAndMinOneMessageLetsALargeFirstBatchThrough()
    {
        using var ctx = new LogTestContext();
        var log = ctx.Open();
        var batch = RecordBatchBuilder.Build(5, ctx.NowMs);
        for (var i = 0; i < 3; i++)
        {
            LogTestContext.AppendCommitted(log, RecordBatchBuilder.Build(5, ctx.NowMs));
        }

        using var twoBatches = log.Read(0, (2 * batch.Length) + 10, long.MaxValue, minOneMessage: false);
        using var oneLarge = log.Read(0, 10, long.MaxValue, minOneMessage: true);
        using var none = log.Read(0, 10, long.MaxValue, minOneMessage: false);

        Assert.Equal(2 * batch.Length, twoBatches.Length);
        Assert.Equal(batch.Length, oneLarge.Length);
        Assert.True(none.IsEmpty);
    }

    [Fact]
    public void FetchOffsetsOutsideTheLogAreOutOfRange()
    {
        using var ctx = new LogTestContext();
        var log = ctx.Open();
        LogTestContext.AppendCommitted(log, RecordBatchBuilder.Build(5, ctx.NowMs));

        Assert.Throws<OffsetOutOfRangeException>(() => log.Read(6, 1000, long.MaxValue, true));
        Assert.Throws<OffsetOutOfRangeException>(() => log.Read(-1, 1000, long.MaxValue, true));
        using var atEnd = log.Read(5, 1000, long.MaxValue, true);
        Assert.True(atEnd.IsEmpty);
    }

    [Fact]
    public void AnInvalidBatchAnywhereInThePayloadWritesNothing()
    {
        using var ctx = new LogTestContext();
        var log = ctx.Open();
        LogTestContext.AppendCommitted(log, RecordBatchBuilder.Build(2, ctx.NowMs));
        var sizeBefore = log.Size;
        var bad = RecordBatchBuilder.Build(3, ctx.NowMs);
        bad[^1] ^= 0xFF;
        var tooBig = RecordBatchBuilder.Build(1, ctx.NowMs, valueSize: 2000);
        var magic1 = RecordBatchBuilder.Build(1, ctx.NowMs);
        magic1[RecordBatch.MagicOffset] = 1;
        var truncated = RecordBatchBuilder.Build(3, ctx.NowMs);
        var small = LogConfig.Default with { MaxMessageBytes = 1000 };
        log.UpdateConfig(small);

        Assert.Throws<CorruptRecordException>(() => log.AppendAsLeader(RecordBatchBuilder.Concat(RecordBatchBuilder.Build(2, ctx.NowMs), bad), 0));
        Assert.Throws<RecordTooLargeException>(() => log.AppendAsLeader(RecordBatchBuilder.Concat(RecordBatchBuilder.Build(2, ctx.NowMs), tooBig), 0));
        Assert.Throws<UnsupportedMessageFormatException>(() => log.AppendAsLeader(magic1, 0));
        Assert.Throws<CorruptRecordException>(() => log.AppendAsLeader(truncated.AsMemory(0, truncated.Length - 1), 0));

        Assert.Equal(2, log.LogEndOffset);
        Assert.Equal(sizeBefore, log.Size);
        // The active segment's file may carry a reserved (preallocated) tail: it must hold nothing but zeros.
        var file = File.ReadAllBytes(Path.Combine(ctx.PartitionDir, "00000000000000000000.log"));
        Assert.All(file.AsSpan((int)sizeBefore).ToArray(), b => Assert.Equal(0, b));
    }

    [Fact]
    public void LogAppendTimeTopicsStampMaxTimestampAndKeepTheCrcValid()
    {
        using var ctx = new LogTestContext();
        var log = ctx.Open(LogConfig.Default with { MessageTimestampType = TimestampType.LogAppendTime });
        var producerTime = ctx.NowMs - 60_000;
        ctx.Time.Advance(TimeSpan.FromSeconds(5));

        var result = LogTestContext.AppendCommitted(log, RecordBatchBuilder.Build(3, producerTime, compression: CompressionType.Gzip));

        Assert.Equal(ctx.NowMs, result.LogAppendTime);
        var read = LogTestContext.ReadAll(log, 0);
        var batch = new RecordBatch(read);
        Assert.Equal(TimestampType.LogAppendTime, batch.TimestampType);
        Assert.Equal(ctx.NowMs, batch.MaxTimestamp);
        Assert.Equal(producerTime, batch.BaseTimestamp);
        Assert.True(batch.IsCrcValid());
        BatchValidator.Validate(read, LogConfig.Default.MaxMessageBytes);
        Assert.Equal(new TimestampOffset(ctx.NowMs, 0), log.FindOffsetByTimestamp(ctx.NowMs - 1));
    }

    [Fact]
    public async Task WaitForAppendCompletesWhenDataArrives()
    {
        using var ctx = new LogTestContext();
        var log = ctx.Open();
        var waiting = log.WaitForAppendAsync(log.LogEndOffset, CancellationToken.None);
        Assert.False(waiting.IsCompleted);

        LogTestContext.AppendCommitted(log, RecordBatchBuilder.Build(1, ctx.NowMs));

        await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(log.WaitForAppendAsync(0, CancellationToken.None).IsCompleted);
    }

    [Fact]
    public void FlushMessagesOfOneFlushesEveryAppend()
    {
        using var ctx = new LogTestContext();
        var log = ctx.Open(LogConfig.Default with { FlushMessages = 1 });
        var lazy = LogConfig.Default;

        LogTestContext.AppendCommitted(log, RecordBatchBuilder.Build(4, ctx.NowMs));
        Assert.Equal(4, log.RecoveryPoint);

        log.UpdateConfig(lazy);
        LogTestContext.AppendCommitted(log, RecordBatchBuilder.Build(4, ctx.NowMs));
        Assert.Equal(4, log.RecoveryPoint);
        Assert.Equal(4, log.UnflushedMessages);
    }

    [Fact]
    public void TheFlushSchedulerFlushesOnceFlushMsElapsed()
    {
        using var ctx = new LogTestContext();
        var log = ctx.Open(LogConfig.Default with { FlushMs = 1000 });
        LogTestContext.AppendCommitted(log, RecordBatchBuilder.Build(4, ctx.NowMs));

        log.FlushIfDue();
        Assert.Equal(0, log.RecoveryPoint);
        ctx.Time.Advance(TimeSpan.FromMilliseconds(1000));
        log.FlushIfDue();

        Assert.Equal(4, log.RecoveryPoint);
    }
}
