using Fjord.Log.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fjord.Log.Tests;

/// <summary>What the remote tier (KIP-405) needs of the partition log: a local start offset apart from the log start offset.</summary>
public class TieredLogTests
{
    private static readonly int BatchSize = RecordBatchBuilder.Build(10, 0).Length;

    private static readonly LogConfig Tiered = LogConfig.Default with { SegmentBytes = BatchSize + 1, RemoteStorageEnable = true, RetentionMs = 1000, RetentionBytes = 1 };

    /// <summary>Four closed segments of ten records each (0, 10, 20, 30) and an empty active one at 40, all committed.</summary>
    private static PartitionLog OpenWithFourClosedSegments(LogTestContext ctx, LogConfig? config = null)
    {
        var log = ctx.Open(config ?? Tiered);
        for (var i = 0; i < 4; i++)
        {
            LogTestContext.AppendCommitted(log, RecordBatchBuilder.Build(10, ctx.NowMs), epoch: i);
        }

        log.Roll();
        return log;
    }

    [Fact]
    public void TheLocalLogStartOffsetEqualsTheLogStartOffsetUntilLocalSegmentsAreDeleted()
    {
        using var ctx = new LogTestContext();
        var log = OpenWithFourClosedSegments(ctx);
        Assert.Equal(0, log.LocalLogStartOffset);

        log.DeleteRecordsBefore(15);

        Assert.Equal(15, log.LogStartOffset);
        Assert.Equal(15, log.LocalLogStartOffset); // mid-segment: the local start never lies below the log start
    }

    [Fact]
    public void DeletingLocalSegmentsMovesOnlyTheLocalLogStartOffset()
    {
        using var ctx = new LogTestContext();
        var log = OpenWithFourClosedSegments(ctx);
        var epochs = log.LeaderEpochs.Entries.ToList();

        Assert.Equal(2, log.DeleteLocalSegmentsBefore(20));

        Assert.Equal(0, log.LogStartOffset);
        Assert.Equal(20, log.LocalLogStartOffset);
        Assert.Equal([20L, 30L, 40L], log.SegmentBaseOffsets);
        Assert.False(File.Exists(Path.Combine(ctx.PartitionDir, "00000000000000000000.log")));
        Assert.False(File.Exists(Path.Combine(ctx.PartitionDir, "00000000000000000010.index")));
        Assert.Equal(epochs, log.LeaderEpochs.Entries); // the remote tier still serves epochs 0 and 1
    }

    [Fact]
    public void DeletingLocalSegmentsKeepsASegmentThatEndsAtOrAboveTheOffset()
    {
        using var ctx = new LogTestContext();
        var log = OpenWithFourClosedSegments(ctx);

        Assert.Equal(1, log.DeleteLocalSegmentsBefore(19));
        Assert.Equal(0, log.DeleteLocalSegmentsBefore(19));
        Assert.Equal(10, log.LocalLogStartOffset);
    }

    [Fact]
    public void DeletingLocalSegmentsNeverDeletesTheActiveSegment()
    {
        using var ctx = new LogTestContext();
        var log = OpenWithFourClosedSegments(ctx);

        Assert.Equal(4, log.DeleteLocalSegmentsBefore(long.MaxValue));

        Assert.Equal([40L], log.SegmentBaseOffsets);
        Assert.Equal(0, log.LogStartOffset);
        Assert.Equal(40, LogTestContext.AppendCommitted(log, RecordBatchBuilder.Build(1, ctx.NowMs)).FirstOffset);
    }

    [Fact]
    public void DeletingLocalSegmentsNeverDeletesDataAboveTheHighWatermark()
    {
        using var ctx = new LogTestContext();
        var log = ctx.Open(Tiered);
        log.AppendAsLeader(RecordBatchBuilder.Build(10, ctx.NowMs), 0);
        log.AppendAsLeader(RecordBatchBuilder.Build(10, ctx.NowMs), 0);
        log.AppendAsLeader(RecordBatchBuilder.Build(10, ctx.NowMs), 0);
        log.UpdateHighWatermark(15);

        Assert.Equal(1, log.DeleteLocalSegmentsBefore(30));
        Assert.Equal(10, log.LocalLogStartOffset);
    }

    [Fact]
    public void ReadingBelowTheLocalLogStartOffsetThrowsOffsetBelowLocalLogWithTheLocalStart()
    {
        using var ctx = new LogTestContext();
        var log = OpenWithFourClosedSegments(ctx);
        log.DeleteLocalSegmentsBefore(20);

        var error = Assert.Throws<OffsetBelowLocalLogException>(() => log.Read(5, 1000, long.MaxValue, true));

        Assert.Equal(5, error.Offset);
        Assert.Equal(20, error.LocalLogStartOffset);
        Assert.IsAssignableFrom<LogException>(error);
        using var read = log.Read(20, int.MaxValue, long.MaxValue, true);
        Assert.Equal(20, read.FirstOffset);
    }

    [Fact]
    public void ReadingBelowTheLogStartOffsetOfATieredLogIsStillOutOfRange()
    {
        using var ctx = new LogTestContext();
        var log = OpenWithFourClosedSegments(ctx);
        log.DeleteLocalSegmentsBefore(20);
        log.SetLogStartOffset(10);

        Assert.Throws<OffsetOutOfRangeException>(() => log.Read(9, 1000, long.MaxValue, true));
        Assert.Throws<OffsetBelowLocalLogException>(() => log.Read(10, 1000, long.MaxValue, true));
    }

    [Fact]
    public void SetLogStartOffsetMovesForwardOnlyAndNeedsNoLocalData()
    {
        using var ctx = new LogTestContext();
        var log = OpenWithFourClosedSegments(ctx);
        log.DeleteLocalSegmentsBefore(30);

        Assert.Equal(10, log.SetLogStartOffset(10));
        Assert.Equal(10, log.SetLogStartOffset(5));
        Assert.Equal(10, log.LogStartOffset);
        Assert.Equal(30, log.LocalLogStartOffset);
        Assert.Equal([30L, 40L], log.SegmentBaseOffsets);
        Assert.Equal(1, log.LeaderEpochs.Entries[0].Epoch); // epochs below the log start offset go, as with DeleteRecords
    }

    [Fact]
    public void SetLogStartOffsetNeverGoesAboveTheHighWatermark()
    {
        using var ctx = new LogTestContext();
        var log = OpenWithFourClosedSegments(ctx);
        log.UpdateHighWatermark(25);

        Assert.Throws<OffsetOutOfRangeException>(() => log.SetLogStartOffset(26));
        Assert.Equal(25, log.SetLogStartOffset(25));
    }

    [Fact]
    public void SetLogStartOffsetDeletesLocalSegmentsWhollyBelowIt()
    {
        using var ctx = new LogTestContext();
        var log = OpenWithFourClosedSegments(ctx);

        log.SetLogStartOffset(25);

        Assert.Equal([20L, 30L, 40L], log.SegmentBaseOffsets);
        Assert.Equal(25, log.LocalLogStartOffset);
    }

    [Fact]
    public void RetentionOfATieredLogLeavesLocalSegmentsToTheTierManager()
    {
        using var ctx = new LogTestContext();
        var log = OpenWithFourClosedSegments(ctx);
        ctx.Time.Advance(TimeSpan.FromHours(1));

        Assert.Equal(0, log.ApplyRetention());
        Assert.Equal(5, log.SegmentCount);

        log.UpdateConfig(Tiered with { RemoteStorageEnable = false });
        Assert.Equal(4, log.ApplyRetention());
    }

    [Fact]
    public void RetentionOfATieredLogStillDeletesSegmentsBelowTheLogStartOffset()
    {
        using var ctx = new LogTestContext();
        var log = OpenWithFourClosedSegments(ctx);
        log.DeleteRecordsBefore(20);

        Assert.Equal(0, log.ApplyRetention()); // DeleteRecords already deleted them
        Assert.Equal([20L, 30L, 40L], log.SegmentBaseOffsets);
    }

    [Fact]
    public void SegmentsDescribeEachLocalSegmentAndMarkTheActiveOne()
    {
        using var ctx = new LogTestContext();
        var log = ctx.Open(Tiered);
        LogTestContext.AppendCommitted(log, RecordBatchBuilder.Build(10, ctx.NowMs));
        LogTestContext.AppendCommitted(log, RecordBatchBuilder.Build(4, ctx.NowMs + 100));

        var segments = log.Segments;

        Assert.Equal(2, segments.Count);
        var closed = segments[0];
        Assert.Equal(new SegmentInfo(
            0,
            10,
            BatchSize,
            ctx.NowMs + 9,
            Path.Combine(ctx.PartitionDir, "00000000000000000000.log"),
            Path.Combine(ctx.PartitionDir, "00000000000000000000.index"),
            Path.Combine(ctx.PartitionDir, "00000000000000000000.timeindex"),
            IsActive: false), closed);
        Assert.Equal(new FileInfo(closed.LogPath).Length, closed.SizeInBytes);
        Assert.True(File.Exists(closed.TimeIndexPath));
        Assert.Equal((10L, 14L, true), (segments[1].BaseOffset, segments[1].NextOffset, segments[1].IsActive));
        Assert.Equal(ctx.NowMs + 103, segments[1].LargestTimestamp);
    }

    [Fact]
    public void SegmentsOfAnEmptyLogIsTheEmptyActiveSegment()
    {
        using var ctx = new LogTestContext();
        var log = ctx.Open(Tiered);

        var only = Assert.Single(log.Segments);

        Assert.Equal((0L, 0L, 0L, true), (only.BaseOffset, only.NextOffset, only.SizeInBytes, only.IsActive));
    }

    [Fact]
    public void AfterARestartATieredLogKeepsItsLogStartOffsetAndTheLocalStartIsTheFirstSegment()
    {
        using var ctx = new LogTestContext();
        var log = OpenWithFourClosedSegments(ctx);
        log.SetLogStartOffset(5);
        log.DeleteLocalSegmentsBefore(20);
        log.Close();

        var reopened = PartitionLog.Open(ctx.PartitionDir, ctx.TopicId, Tiered, ctx.Time, NullLogger.Instance, hadCleanShutdown: true, recoveryPoint: 40, logStartOffset: 5, highWatermark: 40);
        try
        {
            Assert.Equal(5, reopened.LogStartOffset);
            Assert.Equal(20, reopened.LocalLogStartOffset);
            Assert.Equal(40, reopened.HighWatermark);
            Assert.Throws<OffsetBelowLocalLogException>(() => reopened.Read(5, 1000, long.MaxValue, true));
        }
        finally
        {
            reopened.Close();
        }
    }

    [Fact]
    public void ALogLoadedWithTheBrokerDefaultsGetsItsTieredStartOffsetBackFromItsFirstConfig()
    {
        using var ctx = new LogTestContext();
        var log = OpenWithFourClosedSegments(ctx);
        log.DeleteLocalSegmentsBefore(20);
        log.Close();

        var reopened = PartitionLog.Open(ctx.PartitionDir, ctx.TopicId, LogConfig.Default, ctx.Time, NullLogger.Instance, hadCleanShutdown: true, recoveryPoint: 40, logStartOffset: 0, highWatermark: 40);
        try
        {
            Assert.Equal(20, reopened.LogStartOffset); // not known to be tiered yet: the local data is all there is
            reopened.UpdateConfig(Tiered);
            Assert.Equal(0, reopened.LogStartOffset);
            Assert.Equal(20, reopened.LocalLogStartOffset);
        }
        finally
        {
            reopened.Close();
        }
    }

    [Fact]
    public void OnlyTheFirstConfigAfterOpenCanLowerTheStartOffset()
    {
        using var ctx = new LogTestContext();
        var log = OpenWithFourClosedSegments(ctx);
        log.DeleteLocalSegmentsBefore(20);
        log.Close();

        var reopened = PartitionLog.Open(ctx.PartitionDir, ctx.TopicId, LogConfig.Default, ctx.Time, NullLogger.Instance, hadCleanShutdown: true, recoveryPoint: 40, logStartOffset: 0, highWatermark: 40);
        try
        {
            reopened.UpdateConfig(LogConfig.Default);
            reopened.UpdateConfig(Tiered); // remote storage enabled later: the start offset does not move back
            Assert.Equal(20, reopened.LogStartOffset);
        }
        finally
        {
            reopened.Close();
        }
    }

    [Fact]
    public void TruncatingBelowTheLocalLogStartOffsetRestartsTheLogThere()
    {
        using var ctx = new LogTestContext();
        var log = OpenWithFourClosedSegments(ctx);
        log.DeleteLocalSegmentsBefore(20);

        log.TruncateTo(15);

        Assert.Equal(15, log.LogEndOffset);
        Assert.Equal(15, log.LocalLogStartOffset);
        Assert.Equal([15L], log.SegmentBaseOffsets);
    }

    [Fact]
    public void TheLogManagerCheckpointsATieredStartOffsetBelowTheLocalDataAndRestoresIt()
    {
        using var ctx = new LogTestContext();
        var dataDir = Path.Combine(ctx.Root, "data");
        var topicId = Guid.NewGuid();
        var manager = new LogManager([dataDir], LogConfig.Default, ctx.Time, NullLoggerFactory.Instance, new LogManagerOptions());
        manager.Startup();
        var log = manager.GetOrCreate("t", 0, topicId, Tiered);
        for (var i = 0; i < 3; i++)
        {
            LogTestContext.AppendCommitted(log, RecordBatchBuilder.Build(10, ctx.NowMs));
        }

        log.SetLogStartOffset(5);
        log.DeleteLocalSegmentsBefore(20);
        manager.Close();
        Assert.Equal("0\n1\nt 0 5\n", File.ReadAllText(Path.Combine(dataDir, "log-start-offset-checkpoint")));

        // Told the topic config at startup: opened tiered.
        var knowing = new LogManager([dataDir], LogConfig.Default, ctx.Time, NullLoggerFactory.Instance, new LogManagerOptions());
        knowing.Startup(_ => Tiered);
        Assert.Equal((5L, 20L), (knowing.Get("t", 0)!.LogStartOffset, knowing.Get("t", 0)!.LocalLogStartOffset));
        knowing.Close();

        // Loaded with the broker defaults, then handed the topic config by the replica manager.
        var later = new LogManager([dataDir], LogConfig.Default, ctx.Time, NullLoggerFactory.Instance, new LogManagerOptions());
        later.Startup();
        var reloaded = later.GetOrCreate("t", 0, topicId, Tiered);
        Assert.Equal((5L, 20L), (reloaded.LogStartOffset, reloaded.LocalLogStartOffset));
        later.Close();
    }

    [Fact]
    public void ATieredLogWithoutACheckpointedStartOffsetStartsAtItsLocalData()
    {
        using var ctx = new LogTestContext();
        var log = OpenWithFourClosedSegments(ctx);
        log.DeleteLocalSegmentsBefore(20);
        log.Close();

        var reopened = PartitionLog.Open(ctx.PartitionDir, ctx.TopicId, Tiered, ctx.Time, NullLogger.Instance, hadCleanShutdown: true, recoveryPoint: 40, logStartOffset: -1, highWatermark: 40);
        try
        {
            Assert.Equal(20, reopened.LogStartOffset);
        }
        finally
        {
            reopened.Close();
        }
    }

    [Fact]
    public async Task ReadsDuringLocalDeletionEitherFindTheirBatchOrAreSentToTheRemoteTier()
    {
        using var ctx = new LogTestContext();
        var log = ctx.Open(Tiered with { SegmentBytes = (2 * BatchSize) + 1 });
        const int Appends = 400;
        var failures = new List<string>();
        var appending = true;

        var writer = Task.Run(() =>
        {
            for (var i = 0; i < Appends; i++)
            {
                LogTestContext.AppendCommitted(log, RecordBatchBuilder.Build(10, ctx.NowMs));
                if (i % 5 == 0)
                {
                    log.DeleteLocalSegmentsBefore(log.LogEndOffset - 30);
                }
            }

            Volatile.Write(ref appending, false);
        });

        var readers = Enumerable.Range(0, 2).Select(seed => Task.Run(() =>
        {
            var random = new Random(seed);
            var (found, remote) = (0, 0);
            while (Volatile.Read(ref appending) || found == 0 || remote == 0)
            {
                var offset = (long)random.Next((int)Math.Max(1, log.HighWatermark));
                try
                {
                    using var result = log.Read(offset, 64 * 1024, log.HighWatermark, true);
                    if (result.Length > 0)
                    {
                        found++;
                        if (result.FirstOffset > offset || result.FirstOffset + 10 <= offset)
                        {
                            lock (failures)
                            {
                                failures.Add($"read of {offset} returned the batch at {result.FirstOffset}");
                            }
                        }
                    }
                }
                catch (OffsetBelowLocalLogException e)
                {
                    remote++;
                    if (e.LocalLogStartOffset <= offset || log.LogStartOffset != 0)
                    {
                        lock (failures)
                        {
                            failures.Add($"read of {offset} sent to the remote tier with local start {e.LocalLogStartOffset}");
                        }
                    }
                }
            }

            return (found, remote);
        })).ToArray();

        await writer.WaitAsync(TimeSpan.FromMinutes(2));
        await Task.WhenAll(readers).WaitAsync(TimeSpan.FromMinutes(2));
        Assert.Empty(failures);
        Assert.Equal(0, log.LogStartOffset);
        Assert.True(log.LocalLogStartOffset >= (Appends * 10) - 100, $"local log start offset {log.LocalLogStartOffset}");
    }
}
