using System.Buffers.Binary;
using Fjord.Log.Producers;
using Fjord.Log.Records;
using Fjord.Log.Tests.Support;

namespace Fjord.Log.Tests;

/// <summary>
/// The idempotent producer's per-partition state: Kafka's duplicate, sequence and epoch rules
/// (ProducerAppendInfo.checkSequence / checkProducerEpoch, ProducerStateEntry.findDuplicateBatch),
/// and that the state survives restarts, crashes, truncation and follower appends.
/// </summary>
public class ProducerStateTests
{
    private const long ProducerId = 4000;

    [Fact]
    public void ARetriedBatchIsAnsweredWithItsOriginalOffsetsAndNothingIsWritten()
    {
        using var ctx = new LogTestContext();
        var log = ctx.Open();
        var first = log.AppendAsLeader(Batch(ctx, records: 5, epoch: 0, sequence: 0), 0);
        var second = log.AppendAsLeader(Batch(ctx, records: 3, epoch: 0, sequence: 5), 0);

        var retry = log.AppendAsLeader(Batch(ctx, records: 5, epoch: 0, sequence: 0), 0);

        Assert.Equal((0L, 4L, false), (first.FirstOffset, first.LastOffset, first.IsDuplicate));
        Assert.Equal((5L, 7L), (second.FirstOffset, second.LastOffset));
        Assert.True(retry.IsDuplicate);
        Assert.Equal((0L, 4L), (retry.FirstOffset, retry.LastOffset));
        Assert.Equal(8, log.LogEndOffset);
    }

    [Fact]
    public void AnyOfTheLastFiveBatchesIsRecognisedButNotAnOlderOne()
    {
        using var ctx = new LogTestContext();
        var log = ctx.Open();
        for (var i = 0; i < 6; i++)
        {
            log.AppendAsLeader(Batch(ctx, records: 2, epoch: 0, sequence: i * 2), 0);
        }

        for (var i = 1; i < 6; i++)
        {
            var retry = log.AppendAsLeader(Batch(ctx, records: 2, epoch: 0, sequence: i * 2), 0);
            Assert.True(retry.IsDuplicate);
            Assert.Equal(i * 2, retry.FirstOffset);
        }

        // Batch 0 fell out of the five retained: Kafka cannot tell it from a gap and answers OUT_OF_ORDER_SEQUENCE_NUMBER.
        Assert.Throws<OutOfOrderSequenceException>(() => log.AppendAsLeader(Batch(ctx, records: 2, epoch: 0, sequence: 0), 0));
        Assert.Equal(12, log.LogEndOffset);
    }

    [Fact]
    public void ASequenceGapIsRefusedAndNothingIsWritten()
    {
        using var ctx = new LogTestContext();
        var log = ctx.Open();
        log.AppendAsLeader(Batch(ctx, records: 5, epoch: 0, sequence: 0), 0);

        var error = Assert.Throws<OutOfOrderSequenceException>(() => log.AppendAsLeader(Batch(ctx, records: 1, epoch: 0, sequence: 7), 0));

        Assert.Contains("expected 5", error.Message, StringComparison.Ordinal);
        Assert.Equal(5, log.LogEndOffset);
        Assert.Equal(5, log.AppendAsLeader(Batch(ctx, records: 1, epoch: 0, sequence: 5), 0).FirstOffset);
    }

    [Fact]
    public void ANewEpochStartsAtSequenceZeroAndFencesTheOldOne()
    {
        using var ctx = new LogTestContext();
        var log = ctx.Open();
        log.AppendAsLeader(Batch(ctx, records: 5, epoch: 0, sequence: 0), 0);

        Assert.Throws<OutOfOrderSequenceException>(() => log.AppendAsLeader(Batch(ctx, records: 1, epoch: 1, sequence: 5), 0));
        log.AppendAsLeader(Batch(ctx, records: 1, epoch: 1, sequence: 0), 0);
        Assert.Throws<InvalidProducerEpochException>(() => log.AppendAsLeader(Batch(ctx, records: 1, epoch: 0, sequence: 5), 0));

        Assert.Equal(6, log.LogEndOffset);
        Assert.Equal(1, log.ProducerState(ProducerId)!.ProducerEpoch);
    }

    [Fact]
    public void AnUnknownProducerMayStartAtAnySequence()
    {
        using var ctx = new LogTestContext();
        var log = ctx.Open();

        var result = log.AppendAsLeader(Batch(ctx, records: 2, epoch: 3, sequence: 41), 0);

        Assert.False(result.IsDuplicate);
        Assert.Equal(42, log.ProducerState(ProducerId)!.LastSequence);
    }

    [Fact]
    public void SequencesWrapPastIntMaxValue()
    {
        using var ctx = new LogTestContext();
        var log = ctx.Open();
        log.AppendAsLeader(Batch(ctx, records: 2, epoch: 0, sequence: int.MaxValue - 3), 0);
        log.AppendAsLeader(Batch(ctx, records: 4, epoch: 0, sequence: int.MaxValue - 1), 0); // ..MaxValue, 0, 1

        var retry = log.AppendAsLeader(Batch(ctx, records: 4, epoch: 0, sequence: int.MaxValue - 1), 0);
        var next = log.AppendAsLeader(Batch(ctx, records: 1, epoch: 0, sequence: 2), 0);

        Assert.True(retry.IsDuplicate);
        Assert.Equal(2, retry.FirstOffset);
        Assert.Equal(6, next.FirstOffset);
    }

    [Fact]
    public void BatchesOfOneProducerInOnePayloadAreCheckedInOrderAndAllOrNothing()
    {
        using var ctx = new LogTestContext();
        var log = ctx.Open();
        log.AppendAsLeader(RecordBatchBuilder.Concat(Batch(ctx, 2, 0, 0), Batch(ctx, 2, 0, 2)), 0);

        Assert.Throws<OutOfOrderSequenceException>(() => log.AppendAsLeader(RecordBatchBuilder.Concat(Batch(ctx, 2, 0, 4), Batch(ctx, 2, 0, 9)), 0));

        Assert.Equal(4, log.LogEndOffset);
        Assert.Equal(3, log.ProducerState(ProducerId)!.LastSequence);
    }

    [Fact]
    public void ControlBatchesFromClientsAreRefused()
    {
        using var ctx = new LogTestContext();
        var log = ctx.Open();

        Assert.Throws<InvalidRecordException>(() => log.AppendAsLeader(Batch(ctx, 1, 0, 0, attributes: RecordBatch.TransactionalFlagMask | RecordBatch.ControlFlagMask), 0));
        Assert.Equal(0, log.LogEndOffset);
    }

    [Fact]
    public void BatchesWithoutAProducerIdAreNeverChecked()
    {
        using var ctx = new LogTestContext();
        var log = ctx.Open();
        var batch = RecordBatchBuilder.Build(3, ctx.NowMs);

        log.AppendAsLeader(batch.ToArray(), 0);
        log.AppendAsLeader(batch.ToArray(), 0);

        Assert.Equal(6, log.LogEndOffset);
        Assert.Empty(log.ActiveProducers);
    }

    [Fact]
    public void AfterACleanStopTheStateComesFromTheSnapshotAtTheLogEnd()
    {
        using var ctx = new LogTestContext();
        var log = ctx.Open();
        for (var i = 0; i < 3; i++)
        {
            log.AppendAsLeader(Batch(ctx, 2, 0, i * 2), 0);
        }

        log.Close();
        Assert.True(File.Exists(ProducerSnapshotFile.PathFor(ctx.PartitionDir, 6)));

        var reopened = ctx.Open(clean: true, recoveryPoint: 6);

        Assert.True(reopened.AppendAsLeader(Batch(ctx, 2, 0, 0), 0).IsDuplicate);
        Assert.True(reopened.AppendAsLeader(Batch(ctx, 2, 0, 4), 0).IsDuplicate);
        Assert.Equal(6, reopened.AppendAsLeader(Batch(ctx, 2, 0, 6), 0).FirstOffset);
    }

    [Fact]
    public void AfterACrashTheStateIsRebuiltFromTheLastRollSnapshotAndTheLog()
    {
        using var ctx = new LogTestContext();
        var log = ctx.Open(LogConfig.Default with { SegmentBytes = 400 });
        for (var i = 0; i < 10; i++)
        {
            log.AppendAsLeader(Batch(ctx, 2, 0, i * 2), 0);
        }

        Assert.True(log.SegmentCount > 2);
        log.Flush();
        var snapshots = ProducerSnapshotFile.List(ctx.PartitionDir);
        Assert.NotEmpty(snapshots);
        Assert.True(snapshots[^1] < log.LogEndOffset);

        // No Close: the process died. The newest snapshot is older than the log end.
        var reopened = ctx.Open(LogConfig.Default with { SegmentBytes = 400 });

        Assert.Equal(19, reopened.ProducerState(ProducerId)!.LastSequence);
        Assert.True(reopened.AppendAsLeader(Batch(ctx, 2, 0, 18), 0).IsDuplicate);
        Assert.Equal(20, reopened.AppendAsLeader(Batch(ctx, 2, 0, 20), 0).FirstOffset);
    }

    [Fact]
    public void ACorruptSnapshotIsDroppedAndTheStateRebuiltFromTheLog()
    {
        using var ctx = new LogTestContext();
        var log = ctx.Open();
        log.AppendAsLeader(Batch(ctx, 3, 0, 0), 0);
        log.AppendAsLeader(Batch(ctx, 3, 0, 3), 0);
        log.Close();
        var snapshot = ProducerSnapshotFile.PathFor(ctx.PartitionDir, 6);
        var bytes = File.ReadAllBytes(snapshot);
        bytes[^3] ^= 0x5A;
        File.WriteAllBytes(snapshot, bytes);

        var reopened = ctx.Open(clean: true, recoveryPoint: 6);

        Assert.False(File.Exists(snapshot));
        Assert.True(reopened.AppendAsLeader(Batch(ctx, 3, 0, 3), 0).IsDuplicate);
        Assert.Throws<OutOfOrderSequenceException>(() => reopened.AppendAsLeader(Batch(ctx, 1, 0, 9), 0));
    }

    [Fact]
    public void AFollowerKeepsTheLeadersProducerStateAndDeduplicatesOnceItLeads()
    {
        using var leaderCtx = new LogTestContext();
        using var followerCtx = new LogTestContext();
        var leader = leaderCtx.Open();
        var follower = followerCtx.Open();
        leader.AppendAsLeader(Batch(leaderCtx, 4, 0, 0), 0);
        leader.AppendAsLeader(Batch(leaderCtx, 4, 0, 4), 0);
        leader.UpdateHighWatermark(leader.LogEndOffset);

        follower.AppendAsFollower(LogTestContext.ReadAll(leader, 0));

        Assert.True(follower.AppendAsLeader(Batch(followerCtx, 4, 0, 4), 1).IsDuplicate);
        Assert.Equal(8, follower.AppendAsLeader(Batch(followerCtx, 1, 0, 8), 1).FirstOffset);
    }

    [Fact]
    public void TruncationForgetsTheRemovedBatches()
    {
        using var ctx = new LogTestContext();
        var log = ctx.Open(LogConfig.Default with { SegmentBytes = 400 });
        for (var i = 0; i < 8; i++)
        {
            log.AppendAsLeader(Batch(ctx, 2, 0, i * 2), 0);
        }

        log.TruncateTo(6);

        Assert.Equal(6, log.LogEndOffset);
        Assert.Equal(5, log.ProducerState(ProducerId)!.LastSequence);
        Assert.All(ProducerSnapshotFile.List(ctx.PartitionDir), o => Assert.True(o <= 6));
        // The batch at sequence 6 is gone, so sending it again writes it again rather than answering a duplicate.
        var again = log.AppendAsLeader(Batch(ctx, 2, 0, 6), 0);
        Assert.False(again.IsDuplicate);
        Assert.Equal(6, again.FirstOffset);
    }

    [Fact]
    public void AProducerIdleForTheExpirationTimeIsForgotten()
    {
        using var ctx = new LogTestContext();
        var log = ctx.Open();
        log.AppendAsLeader(Batch(ctx, 2, 0, 0), 0);
        ctx.Time.Advance(TimeSpan.FromMinutes(10));

        Assert.Equal(0, log.RemoveExpiredProducers(expirationMs: 3_600_000));
        ctx.Time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(1, log.RemoveExpiredProducers(expirationMs: 3_600_000));

        Assert.Null(log.ProducerState(ProducerId));
        Assert.False(log.AppendAsLeader(Batch(ctx, 1, 0, 17), 0).IsDuplicate);
    }

    [Fact]
    public void RetentionDeletesTheSnapshotsOfDeletedSegmentsAndForgetsTheirProducers()
    {
        using var ctx = new LogTestContext();
        var log = ctx.Open(LogConfig.Default with { SegmentBytes = 400 });
        log.AppendAsLeader(Batch(ctx, 2, 0, 0, producerId: 7), 0);
        for (var i = 0; i < 8; i++)
        {
            log.AppendAsLeader(Batch(ctx, 2, 0, i * 2), 0);
        }

        log.UpdateHighWatermark(log.LogEndOffset);
        log.DeleteRecordsBefore(10);

        Assert.All(ProducerSnapshotFile.List(ctx.PartitionDir), o => Assert.True(o >= log.SegmentBaseOffsets[0]));
        Assert.Null(log.ProducerState(7));
        Assert.NotNull(log.ProducerState(ProducerId));
    }

    [Fact]
    public void AReplicaRebuiltFromTheRemoteTierRestoresTheProducersUploadedWithTheLastSegment()
    {
        using var leaderCtx = new LogTestContext();
        using var replicaCtx = new LogTestContext();
        var leader = leaderCtx.Open(LogConfig.Default with { SegmentBytes = 400 });
        for (var i = 0; i < 6; i++)
        {
            leader.AppendAsLeader(Batch(leaderCtx, 2, 0, i * 2), 0);
        }

        // What the tier uploads with the closed segments: the snapshot at the end of the last one.
        var tierEnd = leader.SegmentBaseOffsets[^1];
        var uploaded = File.ReadAllBytes(ProducerSnapshotFile.PathFor(leaderCtx.PartitionDir, tierEnd));
        var replica = replicaCtx.Open();

        replica.TruncateFullyAndStartAt(tierEnd, 0, [], uploaded);

        Assert.Equal(tierEnd, replica.LogEndOffset);
        Assert.Equal((int)tierEnd - 1, replica.ProducerState(ProducerId)!.LastSequence);
        Assert.True(replica.AppendAsLeader(Batch(replicaCtx, 2, 0, (int)tierEnd - 2), 1).IsDuplicate);
        Assert.Throws<OutOfOrderSequenceException>(() => replica.AppendAsLeader(Batch(replicaCtx, 1, 0, (int)tierEnd + 3), 1));
    }

    private static byte[] Batch(LogTestContext ctx, int records, short epoch, int sequence, short attributes = 0, long producerId = ProducerId)
    {
        var batch = RecordBatchBuilder.Build(records, ctx.NowMs);
        var span = batch.AsSpan();
        BinaryPrimitives.WriteInt16BigEndian(span[RecordBatch.AttributesOffset..], attributes);
        BinaryPrimitives.WriteInt64BigEndian(span[RecordBatch.ProducerIdOffset..], producerId);
        BinaryPrimitives.WriteInt16BigEndian(span[RecordBatch.ProducerEpochOffset..], epoch);
        BinaryPrimitives.WriteInt32BigEndian(span[RecordBatch.BaseSequenceOffset..], sequence);
        RecordBatchBuilder.FixCrc(batch);
        return batch;
    }
}
