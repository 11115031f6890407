using Fjord.Log.Tests.Support;

namespace Fjord.Log.Tests;

public sealed class PreallocationTests
{
    private static string SegmentFile(LogTestContext ctx, long baseOffset) =>
        Path.Combine(ctx.PartitionDir, baseOffset.ToString("D20", System.Globalization.CultureInfo.InvariantCulture) + ".log");

    [Fact]
    public void TheActiveSegmentReservesSpaceAheadAndACleanCloseTrimsIt()
    {
        using var ctx = new LogTestContext();
        var log = ctx.Open();
        LogTestContext.AppendCommitted(log, RecordBatchBuilder.Build(5, ctx.NowMs));
        if (!OperatingSystem.IsLinux()) return;
        Assert.True(new FileInfo(SegmentFile(ctx, 0)).Length > log.Size, "appends reserve file space ahead of the data");

        var size = log.Size;
        log.Close();
        Assert.Equal(size, new FileInfo(SegmentFile(ctx, 0)).Length);
    }

    [Fact]
    public void ARolledSegmentIsTrimmedToItsBatches()
    {
        using var ctx = new LogTestContext();
        var log = ctx.Open();
        LogTestContext.AppendCommitted(log, RecordBatchBuilder.Build(5, ctx.NowMs));
        var size = log.Size;
        log.Roll();
        Assert.Equal(size, new FileInfo(SegmentFile(ctx, 0)).Length);
    }

    [Fact]
    public void AfterACrashRecoveryCutsTheReservedZeroTailAndAppendsContinue()
    {
        using var ctx = new LogTestContext();
        var crashed = ctx.Open();
        var first = RecordBatchBuilder.Build(5, ctx.NowMs);
        LogTestContext.AppendCommitted(crashed, first);
        var size = crashed.Size;
        // No Close: the process "dies" with the reservation still on disk.

        var recovered = ctx.Open(clean: false);
        Assert.Equal(5, recovered.LogEndOffset);
        Assert.Equal(size, recovered.Size);
        Assert.Equal(size, new FileInfo(SegmentFile(ctx, 0)).Length);
        LogTestContext.AppendCommitted(recovered, RecordBatchBuilder.Build(3, ctx.NowMs));
        Assert.Equal(8, recovered.LogEndOffset);
        Assert.Equal(8, LogTestContextReadCount(recovered));
    }

    private static int LogTestContextReadCount(PartitionLog log)
    {
        var bytes = LogTestContext.ReadAll(log, 0);
        var count = 0;
        var position = 0;
        while (position < bytes.Length)
        {
            var batch = new Records.RecordBatch(bytes.AsSpan(position));
            count += batch.RecordsCount;
            position += batch.SizeInBytes;
        }
        return count;
    }
}
