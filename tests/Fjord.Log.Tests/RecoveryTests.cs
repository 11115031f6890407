using Fjord.Log.Checkpoints;
using Fjord.Log.Tests.Support;

namespace Fjord.Log.Tests;

public class RecoveryTests
{
    private static readonly LogConfig SmallIndexInterval = LogConfig.Default with { IndexIntervalBytes = 100 };

    private static (byte[] Written, long ValidSize) WriteThenCrash(LogTestContext ctx, int batches)
    {
        var log = ctx.Open(SmallIndexInterval);
        for (var i = 0; i < batches; i++)
        {
            LogTestContext.AppendCommitted(log, RecordBatchBuilder.Build(4, ctx.NowMs), epoch: 1);
        }

        var written = LogTestContext.ReadAll(log, 0);
        log.Close();
        File.Delete(Path.Combine(ctx.PartitionDir, "00000000000000000000.index"));
        return (written, written.Length);
    }

    private static string LogFile(LogTestContext ctx) => Path.Combine(ctx.PartitionDir, "00000000000000000000.log");

    private static void AssertRecoveredTo(LogTestContext ctx, byte[] expected, long expectedEnd)
    {
        var log = ctx.Open(SmallIndexInterval, clean: false, recoveryPoint: 0);
        Assert.Equal(expectedEnd, log.LogEndOffset);
        Assert.Equal(expected.Length, new FileInfo(LogFile(ctx)).Length);
        Assert.Equal(expected, LogTestContext.ReadAll(log, 0));
        Assert.True(log.SegmentsRecoveredOnOpen > 0);
        for (var offset = 0L; offset < expectedEnd; offset++)
        {
            using var read = log.Read(offset, 1, long.MaxValue, true);
            Assert.Equal(offset / 4 * 4, read.FirstOffset);
        }

        // The next append continues right after the last valid batch.
        Assert.Equal(expectedEnd, log.AppendAsLeader(RecordBatchBuilder.Build(1, ctx.NowMs), 1).FirstOffset);
        log.Close();
        Assert.True(new FileInfo(Path.Combine(ctx.PartitionDir, "00000000000000000000.index")).Length > 0);
    }

    [Fact]
    public void AClosedSegmentWhoseIndexesWereNeverWrittenGetsThemOnRecovery()
    {
        // A kill between a roll and the old segment's index write leaves a closed segment without index
        // files; the remote tier uploads those files, so recovery must write them.
        using var ctx = new LogTestContext();
        var log = ctx.Open(SmallIndexInterval);
        for (var i = 0; i < 6; i++)
        {
            LogTestContext.AppendCommitted(log, RecordBatchBuilder.Build(4, ctx.NowMs), epoch: 1);
        }

        log.Roll();
        LogTestContext.AppendCommitted(log, RecordBatchBuilder.Build(4, ctx.NowMs), epoch: 1);
        log.Close();
        var index = Path.Combine(ctx.PartitionDir, "00000000000000000000.index");
        var timeIndex = Path.Combine(ctx.PartitionDir, "00000000000000000000.timeindex");
        File.Delete(index);
        File.Delete(timeIndex);

        var reopened = ctx.Open(SmallIndexInterval, clean: false, recoveryPoint: 0);

        Assert.True(File.Exists(index), "the closed segment's offset index was not written");
        Assert.True(File.Exists(timeIndex), "the closed segment's time index was not written");
        Assert.True(new FileInfo(index).Length > 0);
        Assert.Equal(28, reopened.LogEndOffset);
        reopened.Close();
    }

    [Fact]
    public void GarbageAppendedToTheTailIsTruncated()
    {
        using var ctx = new LogTestContext();
        var (written, _) = WriteThenCrash(ctx, 6);
        using (var file = new FileStream(LogFile(ctx), FileMode.Append))
        {
            file.Write(Enumerable.Range(0, 300).Select(i => (byte)(i * 7 + 3)).ToArray());
        }

        AssertRecoveredTo(ctx, written, 24);
    }

    [Fact]
    public void ATornLastBatchIsTruncated()
    {
        using var ctx = new LogTestContext();
        var (written, size) = WriteThenCrash(ctx, 6);
        var batch = written.Length / 6;
        using (var file = new FileStream(LogFile(ctx), FileMode.Open))
        {
            file.SetLength(size - (batch / 2));
        }

        AssertRecoveredTo(ctx, written[..(5 * batch)], 20);
    }

    [Fact]
    public void AZeroFilledTailIsTruncated()
    {
        using var ctx = new LogTestContext();
        var (written, size) = WriteThenCrash(ctx, 6);
        using (var file = new FileStream(LogFile(ctx), FileMode.Open))
        {
            file.SetLength(size + 4096);
        }

        AssertRecoveredTo(ctx, written, 24);
    }

    [Fact]
    public void ABatchWithABadCrcInTheMiddleTruncatesFromThere()
    {
        using var ctx = new LogTestContext();
        var (written, _) = WriteThenCrash(ctx, 6);
        var batch = written.Length / 6;
        var bytes = File.ReadAllBytes(LogFile(ctx));
        bytes[(3 * batch) + 70] ^= 0x55;
        File.WriteAllBytes(LogFile(ctx), bytes);

        AssertRecoveredTo(ctx, written[..(3 * batch)], 12);
    }

    [Fact]
    public void ACleanShutdownSkipsTheRecoveryScan()
    {
        using var ctx = new LogTestContext();
        var log = ctx.Open(SmallIndexInterval);
        for (var i = 0; i < 5; i++)
        {
            LogTestContext.AppendCommitted(log, RecordBatchBuilder.Build(4, ctx.NowMs), epoch: 2);
        }

        var written = LogTestContext.ReadAll(log, 0);
        log.Close();

        var reopened = ctx.Open(SmallIndexInterval, clean: true, recoveryPoint: 20);
        Assert.Equal(0, reopened.SegmentsRecoveredOnOpen);
        Assert.Equal(20, reopened.LogEndOffset);
        Assert.Equal(written, LogTestContext.ReadAll(reopened, 0));
        Assert.Equal(2, reopened.LatestLeaderEpoch);
        reopened.Close();

        var unclean = ctx.Open(SmallIndexInterval, clean: false, recoveryPoint: 0);
        Assert.Equal(1, unclean.SegmentsRecoveredOnOpen);
    }

    [Fact]
    public void StrayDeletedAndSwapFilesAreRemovedAtLoad()
    {
        using var ctx = new LogTestContext();
        ctx.Open().Close();
        File.WriteAllText(Path.Combine(ctx.PartitionDir, "00000000000000000050.log.deleted"), "x");
        File.WriteAllText(Path.Combine(ctx.PartitionDir, "00000000000000000050.log.swap"), "x");
        File.WriteAllText(Path.Combine(ctx.PartitionDir, "00000000000000000050.log.cleaned"), "x");

        ctx.Open(clean: true);

        Assert.Equal(["00000000000000000000.log"], Directory.GetFiles(ctx.PartitionDir, "*.log*").Select(Path.GetFileName));
    }

    [Fact]
    public void LeaderEpochCheckpointAndPartitionMetadataUseKafkasFormats()
    {
        using var ctx = new LogTestContext();
        var log = ctx.Open();
        LogTestContext.AppendCommitted(log, RecordBatchBuilder.Build(3, ctx.NowMs), epoch: 0);
        LogTestContext.AppendCommitted(log, RecordBatchBuilder.Build(3, ctx.NowMs), epoch: 4);

        Assert.Equal("0\n2\n0 0\n4 3\n", File.ReadAllText(Path.Combine(ctx.PartitionDir, "leader-epoch-checkpoint")));
        var metadata = File.ReadAllText(Path.Combine(ctx.PartitionDir, "partition.metadata"));
        Assert.Matches("^version: 0\ntopic_id: [A-Za-z0-9_-]{22}\n$", metadata);
        Assert.Equal(ctx.TopicId, PartitionMetadataFile.Read(ctx.PartitionDir));
        Assert.Equal((0, 3L), log.EndOffsetForEpoch(2));
        Assert.Equal((4, 6L), log.EndOffsetForEpoch(4));

        log.DeleteRecordsBefore(4);
        Assert.Equal("0\n1\n4 4\n", File.ReadAllText(Path.Combine(ctx.PartitionDir, "leader-epoch-checkpoint")));
    }

    [Fact]
    public void KafkaUuidStringsRoundTripThroughGuid()
    {
        // Kafka prints Uuid(msb=0x0123456789abcdef, lsb=0xfedcba9876543210) as URL-safe base64 of its 16 big-endian bytes.
        var id = Guid.Parse("01234567-89ab-cdef-fedc-ba9876543210");

        var text = PartitionMetadataFile.ToKafkaString(id);

        Assert.Equal("ASNFZ4mrze_-3LqYdlQyEA", text);
        Assert.True(PartitionMetadataFile.TryParseKafkaString(text, out var parsed));
        Assert.Equal(id, parsed);
    }

    [Fact]
    public void OnlySegmentsFromTheRecoveryPointOnAreRescanned()
    {
        using var ctx = new LogTestContext();
        var batchSize = RecordBatchBuilder.Build(4, 0).Length;
        var config = LogConfig.Default with { SegmentBytes = batchSize + 1 };
        var log = ctx.Open(config);
        for (var i = 0; i < 5; i++)
        {
            LogTestContext.AppendCommitted(log, RecordBatchBuilder.Build(4, ctx.NowMs));
        }

        log.Close();

        var reopened = ctx.Open(config, clean: false, recoveryPoint: 13);

        Assert.Equal(5, reopened.SegmentCount);
        Assert.Equal(2, reopened.SegmentsRecoveredOnOpen); // segments 12 (holds the recovery point) and 16
        Assert.Equal(20, reopened.LogEndOffset);
    }

    [Fact]
    public void ATornIndexFileIsRebuiltEvenAfterACleanShutdown()
    {
        using var ctx = new LogTestContext();
        var log = ctx.Open(SmallIndexInterval);
        for (var i = 0; i < 8; i++)
        {
            LogTestContext.AppendCommitted(log, RecordBatchBuilder.Build(4, ctx.NowMs));
        }

        log.Close();
        var index = Path.Combine(ctx.PartitionDir, "00000000000000000000.index");
        var entries = File.ReadAllBytes(index);
        File.WriteAllBytes(index, entries[..(entries.Length - 3)]);

        var reopened = ctx.Open(SmallIndexInterval, clean: true);

        Assert.Equal(1, reopened.SegmentsRecoveredOnOpen);
        Assert.Equal(32, reopened.LogEndOffset);
        using var read = reopened.Read(29, 1, long.MaxValue, true);
        Assert.Equal(28, read.FirstOffset);
    }

    [Fact]
    public void AFullOffsetIndexRollsTheSegment()
    {
        using var ctx = new LogTestContext();
        // 24 bytes: 3 offset index entries (8 bytes each), 2 time index entries (12 bytes each).
        var log = ctx.Open(LogConfig.Default with { IndexIntervalBytes = 1, SegmentIndexBytes = 24 });
        for (var i = 0; i < 5; i++)
        {
            LogTestContext.AppendCommitted(log, RecordBatchBuilder.Build(2, ctx.NowMs));
        }

        // The first batch of a segment gets no entry; batches 2-4 fill the offset index, batch 5 rolls.
        Assert.Equal([0L, 8L], log.SegmentBaseOffsets);
    }
}
