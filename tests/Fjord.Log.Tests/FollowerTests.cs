using Fjord.Log.Records;
using Fjord.Log.Tests.Support;

namespace Fjord.Log.Tests;

public class FollowerTests
{
    [Fact]
    public void AFollowerStoresTheLeadersBatchesWithTheirOffsetsAndEpochs()
    {
        using var leaderCtx = new LogTestContext();
        using var followerCtx = new LogTestContext();
        var leader = leaderCtx.Open();
        var follower = followerCtx.Open();
        LogTestContext.AppendCommitted(leader, RecordBatchBuilder.Build(5, leaderCtx.NowMs), epoch: 1);
        LogTestContext.AppendCommitted(leader, RecordBatchBuilder.Build(5, leaderCtx.NowMs), epoch: 2);
        var fetched = LogTestContext.ReadAll(leader, 0);

        var result = follower.AppendAsFollower(fetched.ToArray());

        Assert.Equal(0, result.FirstOffset);
        Assert.Equal(9, result.LastOffset);
        Assert.Equal(10, follower.LogEndOffset);
        Assert.Equal(fetched, LogTestContext.ReadAll(follower, 0));
        Assert.Equal(2, follower.LatestLeaderEpoch);
        Assert.Equal((1, 5L), follower.EndOffsetForEpoch(1));
        Assert.Throws<InvalidRecordException>(() => follower.AppendAsFollower(fetched.ToArray()));
    }

    [Fact]
    public void TruncateToRemovesTheDivergentSuffixAcrossSegments()
    {
        using var ctx = new LogTestContext();
        var batchSize = RecordBatchBuilder.Build(5, 0).Length;
        var log = ctx.Open(LogConfig.Default with { SegmentBytes = (2 * batchSize) + 1, IndexIntervalBytes = 1 });
        for (var i = 0; i < 6; i++)
        {
            LogTestContext.AppendCommitted(log, RecordBatchBuilder.Build(5, ctx.NowMs), epoch: i < 3 ? 1 : 2);
        }

        var kept = LogTestContext.ReadAll(log, 0, maxBytes: batchSize * 2);

        log.TruncateTo(10);

        Assert.Equal(10, log.LogEndOffset);
        Assert.Equal(10, log.HighWatermark);
        Assert.Equal([0L], log.SegmentBaseOffsets);
        Assert.Equal(kept, LogTestContext.ReadAll(log, 0));
        Assert.Equal(1, log.LatestLeaderEpoch);
        Assert.Equal(10, log.AppendAsLeader(RecordBatchBuilder.Build(5, ctx.NowMs), 3).FirstOffset);
        Assert.Equal([0L, 10L], log.SegmentBaseOffsets); // the deleted segment's name is reusable
        Assert.Equal(2, Directory.GetFiles(ctx.PartitionDir, "*.log").Length);
    }

    [Fact]
    public void TruncatingAtTheEndDropsAnEpochThisReplicaLedWithoutAppending()
    {
        using var ctx = new LogTestContext();
        var log = ctx.Open();
        LogTestContext.AppendCommitted(log, RecordBatchBuilder.Build(5, ctx.NowMs), epoch: 0);
        // Leader at epoch 1 for a moment, then follower at epoch 2 of a leader whose epoch 0 ended at 5.
        log.AssignLeaderEpoch(1);
        Assert.Equal(1, log.LatestLeaderEpoch);

        log.TruncateTo(5);

        Assert.Equal(5, log.LogEndOffset);
        Assert.Equal(0, log.LatestLeaderEpoch);
        Assert.Equal((0, 5L), log.EndOffsetForEpoch(0));
    }

    [Fact]
    public void TruncateFullyRestartsAnEmptyLogAtTheGivenOffset()
    {
        using var ctx = new LogTestContext();
        var log = ctx.Open();
        LogTestContext.AppendCommitted(log, RecordBatchBuilder.Build(5, ctx.NowMs), epoch: 1);

        log.TruncateFullyAndStartAt(100);

        Assert.Equal(100, log.LogStartOffset);
        Assert.Equal(100, log.LogEndOffset);
        Assert.Equal(-1, log.LatestLeaderEpoch);
        Assert.Equal(["00000000000000000100.log"], Directory.GetFiles(ctx.PartitionDir, "*.log").Select(Path.GetFileName));
        Assert.Equal(100, log.AppendAsLeader(RecordBatchBuilder.Build(5, ctx.NowMs), 1).FirstOffset);
    }

    [Fact]
    public void ARebuildFromTheRemoteTierStartsTheLocalLogWhereTheUploadedPartEndsAndKeepsItsEpochs()
    {
        using var ctx = new LogTestContext();
        var log = ctx.Open(new LogConfig { RemoteStorageEnable = true });

        log.TruncateFullyAndStartAt(500, 40, [new Fjord.Log.Checkpoints.EpochEntry(2, 0), new Fjord.Log.Checkpoints.EpochEntry(3, 300)]);

        Assert.Equal(40, log.LogStartOffset);
        Assert.Equal(500, log.LocalLogStartOffset);
        Assert.Equal(500, log.LogEndOffset);
        Assert.Equal(500, log.HighWatermark);
        // The epoch in force at the log start is clipped to it; the later one is kept as uploaded.
        Assert.Equal([new Fjord.Log.Checkpoints.EpochEntry(2, 40), new Fjord.Log.Checkpoints.EpochEntry(3, 300)], log.LeaderEpochs.Entries);
        Assert.Equal((2, 300L), log.EndOffsetForEpoch(2));
        Assert.Throws<Fjord.Log.OffsetBelowLocalLogException>(() => log.Read(100, 1024, log.HighWatermark, minOneMessage: true));
        Assert.Equal(500, log.AppendAsLeader(RecordBatchBuilder.Build(5, ctx.NowMs), 4).FirstOffset);
        Assert.Equal(["00000000000000000500.log"], Directory.GetFiles(ctx.PartitionDir, "*.log").Select(Path.GetFileName));
    }
}
