using System.Buffers.Binary;
using Fjord.Log.Records;
using Fjord.Log.Tests.Support;

namespace Fjord.Log.Tests;

/// <summary>
/// The log side of Kafka transactions (KIP-98): transactional batches open a transaction, markers end
/// it, aborts go to the segment's .txnindex, and the first unstable offset and the fetch's aborted
/// transactions follow, across restarts, crashes, truncation, retention and replication.
/// </summary>
public class TransactionStateTests
{
    private const long ProducerA = 7000;
    private const long ProducerB = 7001;
    private const string FirstTxnIndex = "00000000000000000000.txnindex";

    [Fact]
    public void AMarkerIsAControlBatchWithKafkasRecordLayoutThatTheValidatorAccepts()
    {
        var bytes = TransactionMarker.Build(ProducerA, producerEpoch: 3, coordinatorEpoch: 9, commit: true, timestampMs: 1234);

        var summary = BatchValidator.Validate(bytes, int.MaxValue);

        Assert.Equal(1, summary.RecordCount);
        Assert.Equal(TransactionMarker.BatchSize, bytes.Length);
        var batch = new RecordBatch(bytes);
        Assert.True(batch.IsCrcValid());
        Assert.Equal(2, batch.Magic);
        Assert.Equal(0x30, batch.Attributes);
        Assert.Equal((ProducerA, (short)3, -1, 1, 0), (batch.ProducerId, batch.ProducerEpoch, batch.BaseSequence, batch.RecordsCount, batch.LastOffsetDelta));
        Assert.Equal((1234L, 1234L), (batch.BaseTimestamp, batch.MaxTimestamp));
        // length 16, attributes, timestampDelta, offsetDelta, keyLength 4, key (version 0, type 1),
        // valueLength 6, value (version 0, coordinator epoch 9), no headers; varints zig-zag encoded.
        byte[] record = [32, 0, 0, 0, 8, 0, 0, 0, 1, 12, 0, 0, 0, 0, 0, 9, 0];
        Assert.Equal(record, bytes[RecordBatch.HeaderSize..]);
        Assert.Equal(new TransactionMarker(ControlRecordType.Commit, 9), TransactionMarker.Read(bytes));
        var abort = TransactionMarker.Build(ProducerA, 3, 10, commit: false, 0);
        Assert.Equal(new TransactionMarker(ControlRecordType.Abort, 10), TransactionMarker.Read(abort));
        Assert.False(TransactionMarker.TryRead(RecordBatchBuilder.Build(1, 0), out _));
    }

    [Fact]
    public void ATransactionalBatchOpensATransactionAtItsBaseOffset()
    {
        using var ctx = new LogTestContext();
        var log = ctx.Open();
        log.AppendAsLeader(RecordBatchBuilder.Build(2, ctx.NowMs), 0);
        Assert.Null(log.FirstUnstableOffset);

        log.AppendAsLeader(Txn(ctx, ProducerA, records: 3, sequence: 0), 0);
        log.AppendAsLeader(Txn(ctx, ProducerA, records: 2, sequence: 3), 0);

        Assert.Equal(2, log.FirstUnstableOffset);
        Assert.Equal(2, log.ProducerState(ProducerA)!.CurrentTxnFirstOffset);
    }

    [Fact]
    public void ACommitMarkerEndsTheTransactionWithoutAnAbortEntry()
    {
        using var ctx = new LogTestContext();
        var log = ctx.Open();
        log.AppendAsLeader(Txn(ctx, ProducerA, 3, 0), 0);

        var marker = log.AppendAsLeader(Marker(ctx, ProducerA, epoch: 0, coordinatorEpoch: 4, commit: true), 0, AppendOrigin.Coordinator);

        Assert.Equal(3, marker.FirstOffset);
        // Kafka's unreplicated transactions: decided, but unstable until the high watermark passes the marker.
        Assert.Equal(0, log.FirstUnstableOffset);
        log.UpdateHighWatermark(3);
        Assert.Equal(0, log.FirstUnstableOffset);
        log.UpdateHighWatermark(4);
        Assert.Null(log.FirstUnstableOffset);
        var state = log.ProducerState(ProducerA)!;
        Assert.Equal((-1L, 4), (state.CurrentTxnFirstOffset, state.CoordinatorEpoch));
        Assert.Empty(log.CollectAbortedTransactions(0, long.MaxValue));
        Assert.False(File.Exists(Path.Combine(ctx.PartitionDir, FirstTxnIndex)));
    }

    [Fact]
    public void AnAbortIsIndexedWithKafkasFieldsAndReturnedOnlyForOverlappingFetches()
    {
        using var ctx = new LogTestContext();
        var log = ctx.Open();
        log.AppendAsLeader(RecordBatchBuilder.Build(2, ctx.NowMs), 0);          // 0-1
        log.AppendAsLeader(Txn(ctx, ProducerA, 3, 0), 0);                      // 2-4
        log.AppendAsLeader(Marker(ctx, ProducerA, 0, 1, commit: false), 0, AppendOrigin.Coordinator); // 5
        log.AppendAsLeader(RecordBatchBuilder.Build(2, ctx.NowMs), 0);          // 6-7
        log.UpdateHighWatermark(log.LogEndOffset);

        var file = File.ReadAllBytes(Path.Combine(ctx.PartitionDir, FirstTxnIndex));
        Assert.Equal(34, file.Length);
        Assert.Equal(0, BinaryPrimitives.ReadInt16BigEndian(file));
        Assert.Equal(ProducerA, BinaryPrimitives.ReadInt64BigEndian(file.AsSpan(2)));
        Assert.Equal(2, BinaryPrimitives.ReadInt64BigEndian(file.AsSpan(10)));  // first offset
        Assert.Equal(5, BinaryPrimitives.ReadInt64BigEndian(file.AsSpan(18)));  // last offset: the marker
        Assert.Equal(6, BinaryPrimitives.ReadInt64BigEndian(file.AsSpan(26)));  // LSO: nothing else open
        Assert.Null(log.FirstUnstableOffset);

        AbortedTransaction[] expected = [new(ProducerA, 2)];
        Assert.Equal(expected, log.CollectAbortedTransactions(0, 8));
        Assert.Equal(expected, log.CollectAbortedTransactions(2, 3));
        Assert.Equal(expected, log.CollectAbortedTransactions(5, 6));
        Assert.Equal(expected, log.CollectAbortedTransactions(0, 3));
        Assert.Empty(log.CollectAbortedTransactions(0, 2));
        Assert.Empty(log.CollectAbortedTransactions(6, 8));
        // Nothing to report is one shared empty list: a fetch without aborts allocates none.
        Assert.Same(log.CollectAbortedTransactions(0, 2), log.CollectAbortedTransactions(6, 8));
    }

    [Fact]
    public void AFetchWithoutAbortsAndTheStableOffsetAllocateNothing()
    {
        using var ctx = new LogTestContext();
        var log = ctx.Open();
        WriteAbortThenOpen(ctx, log);
        log.Roll();
        log.AppendAsLeader(RecordBatchBuilder.Build(2, ctx.NowMs), 0);
        log.CollectAbortedTransactions(5, 11);
        log.AdvanceHighWatermark(log.LogEndOffset);

        var before = GC.GetAllocatedBytesForCurrentThread();
        long sum = 0;
        for (var i = 0; i < 100; i++)
        {
            sum += log.CollectAbortedTransactions(5, 11).Count + (log.FirstUnstableOffset ?? 0);
            log.AdvanceHighWatermark(log.LogEndOffset);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(500, sum);
    }

    [Fact]
    public void InterleavedProducersKeepTheOldestOpenTransactionAsTheFirstUnstableOffset()
    {
        using var ctx = new LogTestContext();
        var log = ctx.Open();
        log.AppendAsLeader(Txn(ctx, ProducerA, 2, 0), 0);                      // A 0-1
        log.AppendAsLeader(Txn(ctx, ProducerB, 2, 0), 0);                      // B 2-3
        log.AppendAsLeader(Txn(ctx, ProducerA, 2, 2), 0);                      // A 4-5
        Assert.Equal(0, log.FirstUnstableOffset);

        log.AppendAsLeader(Marker(ctx, ProducerA, 0, 0, commit: false), 0, AppendOrigin.Coordinator); // 6
        Assert.Equal(0, log.FirstUnstableOffset);
        log.UpdateHighWatermark(log.LogEndOffset);
        Assert.Equal(2, log.FirstUnstableOffset);
        log.AppendAsLeader(Marker(ctx, ProducerB, 0, 0, commit: false), 0, AppendOrigin.Coordinator); // 7
        log.UpdateHighWatermark(log.LogEndOffset);
        Assert.Null(log.FirstUnstableOffset);

        var entries = AbortedTxn.ReadAll(File.ReadAllBytes(Path.Combine(ctx.PartitionDir, FirstTxnIndex)));
        // A's abort leaves B's transaction open, so the LSO then was B's first offset.
        Assert.Equal([new AbortedTxn(ProducerA, 0, 6, 2), new AbortedTxn(ProducerB, 2, 7, 8)], entries);
        Assert.Equal([new AbortedTransaction(ProducerA, 0), new AbortedTransaction(ProducerB, 2)], log.CollectAbortedTransactions(0, 8));
        Assert.Equal([new AbortedTransaction(ProducerB, 2)], log.CollectAbortedTransactions(7, 8));
    }

    [Fact]
    public void AMarkerFromAnOlderProducerEpochOrCoordinatorEpochIsFencedAndNotWritten()
    {
        using var ctx = new LogTestContext();
        var log = ctx.Open();
        log.AppendAsLeader(Txn(ctx, ProducerA, 2, 0, epoch: 1), 0);
        log.AppendAsLeader(Marker(ctx, ProducerA, epoch: 1, coordinatorEpoch: 5, commit: true), 0, AppendOrigin.Coordinator);
        log.AppendAsLeader(Txn(ctx, ProducerA, 2, 2, epoch: 1), 0);
        log.UpdateHighWatermark(log.LogEndOffset);
        var end = log.LogEndOffset;

        Assert.Throws<InvalidProducerEpochException>(
            () => log.AppendAsLeader(Marker(ctx, ProducerA, epoch: 0, coordinatorEpoch: 5, commit: false), 0, AppendOrigin.Coordinator));
        Assert.Throws<TransactionCoordinatorFencedException>(
            () => log.AppendAsLeader(Marker(ctx, ProducerA, epoch: 1, coordinatorEpoch: 4, commit: false), 0, AppendOrigin.Coordinator));

        Assert.Equal(end, log.LogEndOffset);
        Assert.Equal(3, log.FirstUnstableOffset);
        // The same coordinator epoch and a bumped producer epoch are accepted; the marker's epoch becomes the producer's.
        log.AppendAsLeader(Marker(ctx, ProducerA, epoch: 2, coordinatorEpoch: 5, commit: false), 0, AppendOrigin.Coordinator);
        log.UpdateHighWatermark(log.LogEndOffset);
        Assert.Null(log.FirstUnstableOffset);
        Assert.Equal(2, log.ProducerState(ProducerA)!.ProducerEpoch);
    }

    [Fact]
    public void AWriteOutsideTheOpenTransactionIsAnInvalidTxnState()
    {
        using var ctx = new LogTestContext();
        var log = ctx.Open();
        log.AppendAsLeader(Txn(ctx, ProducerA, 2, 0, epoch: 1), 0);

        Assert.Throws<InvalidTxnStateException>(() => log.AppendAsLeader(Idempotent(ctx, ProducerA, 1, 2, epoch: 1), 0));
        Assert.Throws<InvalidTxnStateException>(() => log.AppendAsLeader(Txn(ctx, ProducerA, 1, 0, epoch: 2), 0));

        Assert.Equal(2, log.LogEndOffset);
        log.AppendAsLeader(Marker(ctx, ProducerA, 1, 0, commit: true), 0, AppendOrigin.Coordinator);
        Assert.Equal(3, log.AppendAsLeader(Idempotent(ctx, ProducerA, 1, 2, epoch: 1), 0).FirstOffset);
    }

    [Fact]
    public void AMarkerForAProducerWithoutAnOpenTransactionIsWrittenAndEndsNothing()
    {
        using var ctx = new LogTestContext();
        var log = ctx.Open();
        log.AppendAsLeader(Txn(ctx, ProducerB, 2, 0), 0);

        var result = log.AppendAsLeader(Marker(ctx, ProducerA, 0, 3, commit: false), 0, AppendOrigin.Coordinator);

        Assert.Equal(2, result.FirstOffset);
        Assert.Equal(3, log.LogEndOffset);
        Assert.Equal(0, log.FirstUnstableOffset);
        Assert.Empty(log.CollectAbortedTransactions(0, 3));
    }

    [Fact]
    public void AClientCannotWriteAMarker()
    {
        using var ctx = new LogTestContext();
        var log = ctx.Open();

        Assert.Throws<InvalidRecordException>(() => log.AppendAsLeader(Marker(ctx, ProducerA, 0, 0, commit: true), 0));
    }

    [Fact]
    public void ACleanRestartKeepsTheOpenTransactionsAndTheAborts()
    {
        using var ctx = new LogTestContext();
        var log = ctx.Open();
        WriteAbortThenOpen(ctx, log);
        log.Close();

        var reopened = ctx.Open(clean: true);

        Assert.Equal(0, reopened.SegmentsRecoveredOnOpen);
        AssertAbortThenOpen(reopened, replayedMarker: false);
    }

    [Fact]
    public void AnUncleanRestartWithoutSnapshotsOrTxnIndexesRebuildsThemFromTheMarkers()
    {
        using var ctx = new LogTestContext();
        var config = LogConfig.Default with { SegmentBytes = 300 };
        var log = ctx.Open(config);
        WriteAbortThenOpen(ctx, log);
        Assert.True(log.SegmentCount > 2);
        Assert.Single(Directory.GetFiles(ctx.PartitionDir, "*.txnindex"));
        foreach (var path in Directory.GetFiles(ctx.PartitionDir, "*.snapshot").Concat(Directory.GetFiles(ctx.PartitionDir, "*.txnindex")))
        {
            File.Delete(path);
        }

        var reopened = ctx.Open(config, clean: false, recoveryPoint: 0);

        Assert.True(reopened.SegmentsRecoveredOnOpen > 0);
        AssertAbortThenOpen(reopened);
        Assert.Single(Directory.GetFiles(ctx.PartitionDir, "*.txnindex"));
    }

    [Fact]
    public void AnUncleanRestartThatRescansKeepsTheSnapshotsOfTheSegmentsItPassesThrough()
    {
        // The tier uploads each closed segment with the snapshot taken at its roll: recovery replaying
        // from an older snapshot must not delete the newer ones that still describe the log.
        using var ctx = new LogTestContext();
        var config = LogConfig.Default with { SegmentBytes = 300 };
        var log = ctx.Open(config);
        WriteAbortThenOpen(ctx, log);
        var snapshots = Directory.GetFiles(ctx.PartitionDir, "*.snapshot").Order(StringComparer.Ordinal).ToArray();
        Assert.True(snapshots.Length > 1, $"{snapshots.Length} snapshots");

        var reopened = ctx.Open(config, clean: false, recoveryPoint: 0);

        Assert.True(reopened.SegmentsRecoveredOnOpen > 0);
        Assert.Equal(snapshots, Directory.GetFiles(ctx.PartitionDir, "*.snapshot").Order(StringComparer.Ordinal));
        AssertAbortThenOpen(reopened);
    }

    [Fact]
    public void AnUncleanRestartThatTearsTheAbortMarkerReopensItsTransactionAndDropsItsEntry()
    {
        using var ctx = new LogTestContext();
        var log = ctx.Open();
        log.AppendAsLeader(Txn(ctx, ProducerA, 2, 0), 0);                      // 0-1
        log.AppendAsLeader(Marker(ctx, ProducerA, 0, 0, commit: false), 0, AppendOrigin.Coordinator); // 2
        Assert.Single(log.CollectAbortedTransactions(0, 3));
        var logFile = Path.Combine(ctx.PartitionDir, "00000000000000000000.log");
        using (var file = new FileStream(logFile, FileMode.Open))
        {
            file.SetLength(log.Segments[0].SizeInBytes - 5);
        }

        var reopened = ctx.Open(clean: false, recoveryPoint: 0);

        Assert.Equal(2, reopened.LogEndOffset);
        Assert.Equal(0, reopened.FirstUnstableOffset);
        Assert.Empty(reopened.CollectAbortedTransactions(0, 3));
        Assert.False(File.Exists(Path.Combine(ctx.PartitionDir, FirstTxnIndex)));
    }

    [Fact]
    public void ATornTxnIndexIsRebuiltFromTheMarkersEvenAfterACleanStop()
    {
        using var ctx = new LogTestContext();
        var log = ctx.Open();
        WriteAbortThenOpen(ctx, log);
        log.Close();
        var path = Path.Combine(ctx.PartitionDir, FirstTxnIndex);
        using (var file = new FileStream(path, FileMode.Append))
        {
            file.Write(new byte[10]);
        }

        var reopened = ctx.Open(clean: true);

        Assert.Equal(1, reopened.SegmentsRecoveredOnOpen);
        AssertAbortThenOpen(reopened);
        Assert.Equal(AbortedTxn.Size, new FileInfo(path).Length);
    }

    [Fact]
    public void AProducerWithAnOpenTransactionDoesNotExpire()
    {
        using var ctx = new LogTestContext();
        var log = ctx.Open();
        log.AppendAsLeader(Txn(ctx, ProducerA, 2, 0), 0);
        log.AppendAsLeader(Idempotent(ctx, ProducerB, 2, 0), 0);
        ctx.Time.Advance(TimeSpan.FromDays(8));

        Assert.Equal(1, log.RemoveExpiredProducers(expirationMs: 86_400_000));

        Assert.Null(log.ProducerState(ProducerB));
        Assert.Equal(0, log.ProducerState(ProducerA)!.CurrentTxnFirstOffset);
        Assert.Equal(0, log.FirstUnstableOffset);
    }

    [Fact]
    public void TruncationDropsTheAbortEntryAndReopensTheTransactionWhoseMarkerWentAway()
    {
        using var ctx = new LogTestContext();
        var log = ctx.Open(LogConfig.Default with { SegmentBytes = 300 });
        log.AppendAsLeader(Txn(ctx, ProducerA, 2, 0), 0);                      // 0-1
        log.AppendAsLeader(Txn(ctx, ProducerB, 2, 0), 0);                      // 2-3
        log.AppendAsLeader(Marker(ctx, ProducerB, 0, 0, commit: false), 0, AppendOrigin.Coordinator); // 4
        log.AppendAsLeader(RecordBatchBuilder.Build(2, ctx.NowMs), 0);          // 5-6
        log.AppendAsLeader(Marker(ctx, ProducerA, 0, 0, commit: false), 0, AppendOrigin.Coordinator); // 7
        Assert.Equal(2, log.CollectAbortedTransactions(0, 8).Count);
        log.UpdateHighWatermark(log.LogEndOffset);
        Assert.Null(log.FirstUnstableOffset);

        log.TruncateTo(5);

        Assert.Equal(5, log.LogEndOffset);
        Assert.Equal(0, log.FirstUnstableOffset);
        Assert.Equal(0, log.ProducerState(ProducerA)!.CurrentTxnFirstOffset);
        Assert.Equal([new AbortedTransaction(ProducerB, 2)], log.CollectAbortedTransactions(0, 8));
        var entries = Directory.GetFiles(ctx.PartitionDir, "*.txnindex").SelectMany(p => AbortedTxn.ReadAll(File.ReadAllBytes(p)));
        // When B aborted, A's transaction from 0 was still open: that was the LSO.
        Assert.Equal([new AbortedTxn(ProducerB, 2, 4, 0)], entries);

        log.TruncateTo(4);

        Assert.Empty(log.CollectAbortedTransactions(0, 8));
        Assert.Equal(0, log.FirstUnstableOffset);
        Assert.Equal(2, log.ProducerState(ProducerB)!.CurrentTxnFirstOffset);
        Assert.Empty(Directory.GetFiles(ctx.PartitionDir, "*.txnindex"));
    }

    [Fact]
    public void AnAbortMarkerInALaterSegmentIsFoundForAFetchOfAnEarlierOne()
    {
        using var ctx = new LogTestContext();
        var log = ctx.Open();
        log.AppendAsLeader(Txn(ctx, ProducerA, 2, 0), 0);                      // 0-1
        log.Roll();
        log.AppendAsLeader(RecordBatchBuilder.Build(2, ctx.NowMs), 0);          // 2-3
        log.Roll();
        log.AppendAsLeader(Marker(ctx, ProducerA, 0, 0, commit: false), 0, AppendOrigin.Coordinator); // 4

        Assert.Equal([new AbortedTransaction(ProducerA, 0)], log.CollectAbortedTransactions(0, 2));
        Assert.Equal("00000000000000000004.txnindex", Path.GetFileName(log.Segments[^1].TransactionIndexPath));
        Assert.Null(log.Segments[0].TransactionIndexPath);
    }

    [Fact]
    public void DeletingASegmentDeletesItsTxnIndex()
    {
        using var ctx = new LogTestContext();
        var log = ctx.Open();
        log.AppendAsLeader(Txn(ctx, ProducerA, 2, 0), 0);
        log.AppendAsLeader(Marker(ctx, ProducerA, 0, 0, commit: false), 0, AppendOrigin.Coordinator);
        log.Roll();
        log.AppendAsLeader(RecordBatchBuilder.Build(2, ctx.NowMs), 0);
        log.UpdateHighWatermark(log.LogEndOffset);
        Assert.True(File.Exists(Path.Combine(ctx.PartitionDir, FirstTxnIndex)));

        log.DeleteRecordsBefore(3);
        log.ApplyRetention();

        Assert.Equal(1, log.SegmentCount);
        Assert.Empty(Directory.GetFiles(ctx.PartitionDir, "*.txnindex*"));
        Assert.Empty(log.CollectAbortedTransactions(0, 10));
    }

    [Fact]
    public void AFollowerAppendingTheLeadersMarkersHasTheSameTransactionState()
    {
        using var leaderCtx = new LogTestContext();
        using var followerCtx = new LogTestContext();
        var leader = leaderCtx.Open();
        var follower = followerCtx.Open();
        WriteAbortThenOpen(leaderCtx, leader);

        follower.AppendAsFollower(LogTestContext.ReadAll(leader, 0));

        AssertAbortThenOpen(follower);
        Assert.Equal(
            File.ReadAllBytes(Path.Combine(leaderCtx.PartitionDir, FirstTxnIndex)),
            File.ReadAllBytes(Path.Combine(followerCtx.PartitionDir, FirstTxnIndex)));
        // As the next leader it fences the same stale coordinator.
        Assert.Throws<TransactionCoordinatorFencedException>(
            () => follower.AppendAsLeader(Marker(followerCtx, ProducerA, 0, 1, commit: true), 1, AppendOrigin.Coordinator));
    }

    /// <summary>A's transaction aborted at offset 4 (coordinator epoch 2); B's transaction open from 5.</summary>
    [Fact]
    public void AVerifiedWriteThatOpensATransactionIsRefusedWhenAMarkerLandedSinceItsVerificationBegan()
    {
        using var ctx = new LogTestContext();
        var log = ctx.Open();
        log.AppendAsLeader(Txn(ctx, ProducerA, 2, 0), 0);                                              // 0-1, opens
        var guard = log.BeginTransactionVerification(ProducerA);
        log.AppendAsLeader(Marker(ctx, ProducerA, 0, 0, commit: true), 0, AppendOrigin.Coordinator);   // 2, ends it

        // The late write was verified against a state the marker has since ended: it must not open a transaction.
        Assert.Throws<InvalidTxnStateException>(() => log.AppendAsLeader(Txn(ctx, ProducerA, 2, 2), 0, AppendOrigin.Client, guard));
        Assert.Equal(3, log.LogEndOffset);
        log.UpdateHighWatermark(3);
        Assert.Null(log.FirstUnstableOffset);

        // A fresh verification after the marker lets the next transaction start; its guard is used up once it has.
        var fresh = log.BeginTransactionVerification(ProducerA);
        log.AppendAsLeader(Txn(ctx, ProducerA, 2, 2), 0, AppendOrigin.Client, fresh);                 // 3-4, opens
        Assert.Equal(3, log.FirstUnstableOffset);
        log.AppendAsLeader(Txn(ctx, ProducerA, 1, 4), 0, AppendOrigin.Client, fresh);                 // 5, inside the open one
        Assert.Equal(6, log.LogEndOffset);
    }

    [Fact]
    public void AGuardOfAnotherProducerOrNoGuardLeavesTheOrdinaryChecksAlone()
    {
        using var ctx = new LogTestContext();
        var log = ctx.Open();
        var guardOfB = log.BeginTransactionVerification(ProducerB);

        // A's write with B's guard: A has no guard of its own, so the guard does not match.
        Assert.Throws<InvalidTxnStateException>(() => log.AppendAsLeader(Txn(ctx, ProducerA, 1, 0), 0, AppendOrigin.Client, guardOfB));
        // Without a guard (no verification asked for) the append is the unverified one it always was.
        log.AppendAsLeader(Txn(ctx, ProducerA, 1, 0), 0);
        log.AppendAsLeader(Txn(ctx, ProducerB, 1, 0), 0, AppendOrigin.Client, guardOfB);
        Assert.Equal(2, log.LogEndOffset);
    }

    private static void WriteAbortThenOpen(LogTestContext ctx, PartitionLog log)
    {
        log.AppendAsLeader(Txn(ctx, ProducerA, 2, 0), 0);                      // 0-1
        log.AppendAsLeader(RecordBatchBuilder.Build(2, ctx.NowMs), 0);          // 2-3
        log.AppendAsLeader(Marker(ctx, ProducerA, 0, 2, commit: false), 0, AppendOrigin.Coordinator); // 4
        log.AppendAsLeader(Txn(ctx, ProducerB, 2, 0), 0);                      // 5-6
        log.AppendAsLeader(RecordBatchBuilder.Build(2, ctx.NowMs), 0);          // 7-8
    }

    /// <summary>
    /// <paramref name="replayedMarker"/>: the log learnt A's abort by appending or replaying the marker, with
    /// its high watermark (0 here) below it, so A's transaction is decided but not stable until the replica
    /// manager gives the log its high watermark. A snapshot, as in Kafka, holds open transactions only.
    /// </summary>
    private static void AssertAbortThenOpen(PartitionLog log, bool replayedMarker = true)
    {
        Assert.Equal(9, log.LogEndOffset);
        Assert.Equal(replayedMarker ? 0 : 5, log.FirstUnstableOffset);
        log.UpdateHighWatermark(9);
        Assert.Equal(5, log.FirstUnstableOffset);
        Assert.Equal(5, log.ProducerState(ProducerB)!.CurrentTxnFirstOffset);
        Assert.Equal((-1L, 2), (log.ProducerState(ProducerA)!.CurrentTxnFirstOffset, log.ProducerState(ProducerA)!.CoordinatorEpoch));
        Assert.Equal([new AbortedTransaction(ProducerA, 0)], log.CollectAbortedTransactions(0, 9));
        Assert.Empty(log.CollectAbortedTransactions(5, 9));
    }

    private static byte[] Marker(LogTestContext ctx, long producerId, short epoch, int coordinatorEpoch, bool commit) =>
        TransactionMarker.Build(producerId, epoch, coordinatorEpoch, commit, ctx.NowMs);

    private static byte[] Txn(LogTestContext ctx, long producerId, int records, int sequence, short epoch = 0) =>
        ProducerBatch(ctx, producerId, records, sequence, epoch, RecordBatch.TransactionalFlagMask);

    private static byte[] Idempotent(LogTestContext ctx, long producerId, int records, int sequence, short epoch = 0) =>
        ProducerBatch(ctx, producerId, records, sequence, epoch, 0);

    private static byte[] ProducerBatch(LogTestContext ctx, long producerId, int records, int sequence, short epoch, short attributes)
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
