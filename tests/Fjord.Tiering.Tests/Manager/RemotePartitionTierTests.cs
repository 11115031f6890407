using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Fjord.Tiering.Tests.Manager;

public sealed class RemotePartitionTierTests
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UnixEpoch.AddDays(100));
    private readonly FakeManifest _manifest = new();
    private readonly FakeRemoteStorage _storage = new();
    private readonly FakeTieredLog _log;

    public RemotePartitionTierTests() => _log = new FakeTieredLog(_clock);

    private RemotePartitionTier NewTier(TierRetentionConfig? config = null, int leaderEpoch = 1) =>
        new(_log, _manifest, _storage, config ?? TierRetentionConfig.Default, new RemoteTierOptions(BrokerId: 7, leaderEpoch), _clock, NullLogger.Instance);

    private long NowMs => _clock.GetUtcNow().ToUnixTimeMilliseconds();

    [Fact]
    public async Task ClosedCommittedSegmentsAreCopiedInOrderWithTheirFilesAndNothingElse()
    {
        for (var i = 0; i < 4; i++)
        {
            _log.Roll();
        }

        _log.Roll(committed: false);
        var tier = NewTier();

        Assert.Equal(4, await tier.CopyEligibleSegmentsAsync(default));

        Assert.Equal([0L, 100, 200, 300], _manifest.Entries.Select(e => e.BaseOffset));
        Assert.Equal(399, tier.HighestCopiedOffset);
        Assert.All(_manifest.Entries, e => Assert.Equal((7, 1), (e.BrokerId, e.LeaderEpoch)));
        Assert.Equal(1, tier.UploadLagSegments);
        Assert.Equal(1000, tier.UploadLagBytes);
        TierAssert.Consistent(_manifest, _storage, _log);

        _log.HighWatermark = _log.LogEndOffset;
        Assert.Equal(1, await tier.CopyEligibleSegmentsAsync(default));
        Assert.Equal(0, await tier.CopyEligibleSegmentsAsync(default));
        Assert.Equal(5, _storage.Uploads);
        Assert.Equal(0, tier.UploadLagSegments);
        TierAssert.Consistent(_manifest, _storage, _log);
    }

    [Fact]
    public async Task EachSegmentRecordsTheLeaderEpochsCoveringIt()
    {
        _log.Roll();
        _log.NewEpoch(3);
        _log.Roll(50);
        _log.Roll(50);
        _log.NewEpoch(5);
        _log.Roll(10);
        await NewTier().CopyEligibleSegmentsAsync(default);

        var epochs = _manifest.Entries.Select(e => e.LeaderEpochs.Select(x => (x.Epoch, x.StartOffset)).ToArray()).ToArray();
        Assert.Equal([(0, 0L)], epochs[0]);
        Assert.Equal([(3, 100L)], epochs[1]);
        Assert.Equal([(3, 150L)], epochs[2]);
        Assert.Equal([(5, 200L)], epochs[3]);
    }

    [Theory]
    [InlineData("manifest.add")]
    [InlineData("manifest.add.after")]
    [InlineData("storage.upload")]
    [InlineData("storage.upload.partial")]
    [InlineData("manifest.transition.CopyFinished")]
    [InlineData("manifest.transition.CopyFinished.after")]
    public async Task AfterACrashAtAnyCopyStepAFreshTierResumesWithoutGapDuplicateOrOrphan(string point)
    {
        for (var i = 0; i < 5; i++)
        {
            _log.Roll();
        }

        // The crash hits the third segment's copy; the first two are done.
        _manifest.Faults.Arm(point, 3);
        _storage.Faults.Arm(point, 3);
        var crashed = NewTier();
        Assert.Equal(2, await crashed.CopyEligibleSegmentsAsync(default));
        Assert.Equal(1, crashed.ConsecutiveCopyFailures);

        var resumed = NewTier(leaderEpoch: 2);
        await resumed.ResumeAsync(default);
        TierAssert.Consistent(_manifest, _storage, _log);
        // A crash after the CopyFinished write leaves three done; any earlier crash leaves two.
        var done = point == "manifest.transition.CopyFinished.after" ? 3 : 2;
        Assert.Equal((done * 100) - 1, resumed.HighestCopiedOffset);

        Assert.Equal(5 - done, await resumed.CopyEligibleSegmentsAsync(default));
        Assert.Equal([0L, 100, 200, 300, 400], _manifest.Entries.Select(e => e.BaseOffset));
        TierAssert.Consistent(_manifest, _storage, _log);
    }

    [Theory]
    [InlineData("manifest.transition.DeleteStarted.after")]
    [InlineData("storage.delete")]
    [InlineData("storage.delete.partial")]
    [InlineData("manifest.transition.DeleteFinished")]
    [InlineData("manifest.transition.DeleteFinished.after")]
    [InlineData("manifest.remove")]
    public async Task AfterACrashDuringRemoteDeletionAFreshTierFinishesIt(string point)
    {
        for (var i = 0; i < 5; i++)
        {
            _log.Roll();
        }

        var config = TierRetentionConfig.Default with { RetentionBytes = 3000 };
        var tier = NewTier(config);
        await tier.CopyEligibleSegmentsAsync(default);
        _manifest.Faults.Arm(point, 2);
        _storage.Faults.Arm(point, 2);

        // Retention deletes two segments; the crash hits the second.
        await Assert.ThrowsAsync<InjectedFaultException>(() => tier.ApplyRemoteRetentionAsync(default));

        var resumed = NewTier(config, leaderEpoch: 2);
        await resumed.ResumeAsync(default);
        Assert.Equal(200, await resumed.ApplyRemoteRetentionAsync(default));
        _log.LogStartOffset = 200;
        Assert.Equal([200L, 300, 400], _manifest.Entries.Select(e => e.BaseOffset));
        TierAssert.Consistent(_manifest, _storage, _log);
    }

    [Fact]
    public async Task AnUnfinishedDeletionIsFinishedByTheNextRetentionRunWithoutARestart()
    {
        for (var i = 0; i < 3; i++)
        {
            _log.Roll();
        }

        var tier = NewTier(TierRetentionConfig.Default with { RetentionBytes = 2000 });
        await tier.CopyEligibleSegmentsAsync(default);
        _storage.Faults.Arm("storage.delete");
        await Assert.ThrowsAsync<InjectedFaultException>(() => tier.ApplyRemoteRetentionAsync(default));
        Assert.Equal(RemoteSegmentState.DeleteStarted, _manifest.Entries[0].State);

        Assert.Equal(100, await tier.ApplyRemoteRetentionAsync(default));
        _log.LogStartOffset = 100;
        Assert.Equal([100L, 200], _manifest.Entries.Select(e => e.BaseOffset));
        TierAssert.Consistent(_manifest, _storage, _log);
    }

    [Fact]
    public async Task ResumeDeletesBlobsThatNoManifestEntryNames()
    {
        _log.Roll();
        var tier = NewTier();
        await tier.CopyEligibleSegmentsAsync(default);
        var orphan = _manifest.Entries[0] with { SegmentId = Guid.NewGuid() };
        _storage.Put(orphan, RemoteFileType.Segment);
        var otherPartition = orphan with { Partition = 4, SegmentId = Guid.NewGuid() };
        _storage.Put(otherPartition, RemoteFileType.Segment);

        await NewTier().ResumeAsync(default);

        Assert.DoesNotContain(orphan.SegmentId, _storage.Files.Keys);
        Assert.Contains(otherPartition.SegmentId, _storage.Files.Keys);
        Assert.Contains(_manifest.Entries[0].SegmentId, _storage.Files.Keys);
    }

    [Fact]
    public async Task AWipedManifestMakesResumeRefuseInsteadOfDeletingEveryBlobAsAnOrphan()
    {
        _log.Roll();
        _log.Roll();
        await NewTier().CopyEligibleSegmentsAsync(default);
        var uploaded = _storage.Files.Keys.ToHashSet();
        Assert.NotEmpty(uploaded);

        var wiped = new RemotePartitionTier(_log, new FakeManifest(), _storage, TierRetentionConfig.Default,
            new RemoteTierOptions(BrokerId: 7, LeaderEpoch: 2), _clock, NullLogger.Instance);
        var refusal = await Assert.ThrowsAsync<InvalidOperationException>(() => wiped.ResumeAsync(default));

        Assert.Contains("manifest table wiped", refusal.Message, StringComparison.Ordinal);
        Assert.Equal(uploaded, _storage.Files.Keys.ToHashSet());
        // With the manifest back, the same partition resumes and keeps every blob.
        await NewTier(leaderEpoch: 3).ResumeAsync(default);
        Assert.Equal(uploaded, _storage.Files.Keys.ToHashSet());
    }

    [Fact]
    public async Task LocalRetentionWaitsForUploadsWhileBlobStorageIsDownAndCatchesUpWhenItReturns()
    {
        var tier = NewTier(TierRetentionConfig.Default with { LocalRetentionBytes = 0 });
        await tier.ResumeAsync(default);
        _storage.IsDown = true;
        for (var i = 0; i < 4; i++)
        {
            _log.Roll();
        }

        Assert.Equal(0, await tier.CopyEligibleSegmentsAsync(default));
        Assert.Equal(0, tier.ApplyLocalRetention());
        Assert.Equal(5, _log.Segments.Count);
        Assert.Equal((4, 4000L), (tier.UploadLagSegments, tier.UploadLagBytes));

        // The failed attempt's entry stays; within the backoff nothing is tried; retries back off exponentially.
        Assert.Equal(RemoteSegmentState.CopyStarted, Assert.Single(_manifest.Entries).State);
        var addsBefore = _manifest.Faults.Hits("manifest.add");
        Assert.Equal(0, await tier.CopyEligibleSegmentsAsync(default));
        Assert.Equal(addsBefore, _manifest.Faults.Hits("manifest.add"));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(0, await tier.CopyEligibleSegmentsAsync(default));
        Assert.Equal(_clock.GetUtcNow() + TimeSpan.FromSeconds(2), tier.NextCopyAttempt);
        Assert.Single(_manifest.Entries);

        _storage.IsDown = false;
        _clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(4, await tier.CopyEligibleSegmentsAsync(default));
        Assert.Equal(4, _manifest.Entries.Count);
        Assert.Equal((0, 0L), (tier.UploadLagSegments, tier.UploadLagBytes));

        Assert.Equal(4, tier.ApplyLocalRetention());
        Assert.Single(_log.Segments);
        TierAssert.Consistent(_manifest, _storage, _log);
    }

    [Fact]
    public async Task TheOldestWaitingSegmentKeepsItsFirstSightingAndTheLastErrorKindLastsUntilACopySucceeds()
    {
        var tier = NewTier();
        await tier.ResumeAsync(default);
        Assert.Null(tier.OldestWaitingSince);
        _storage.IsDown = true;
        _log.Roll();
        var firstSeen = _clock.GetUtcNow();
        await tier.CopyEligibleSegmentsAsync(default);
        Assert.Equal(firstSeen, tier.OldestWaitingSince);
        Assert.Equal("unreachable", tier.LastCopyErrorKind);
        Assert.Equal(firstSeen, tier.LastCopyFailureAt);

        // A later segment does not make the wait look shorter; backing off, the lag is still measured.
        _clock.Advance(TimeSpan.FromMilliseconds(500));
        _log.Roll();
        await tier.CopyEligibleSegmentsAsync(default);
        Assert.Equal(2, tier.UploadLagSegments);
        Assert.Equal(firstSeen, tier.OldestWaitingSince);

        _storage.IsDown = false;
        _clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(2, await tier.CopyEligibleSegmentsAsync(default));
        Assert.Null(tier.OldestWaitingSince);
        Assert.Null(tier.LastCopyErrorKind);
        Assert.Null(tier.LastCopyFailureAt);
        Assert.Equal(0, tier.ConsecutiveCopyFailures);
    }

    [Theory]
    [InlineData(503, "ServerBusy", "http-503-ServerBusy")]
    [InlineData(403, "", "http-403")]
    public void ACopyErrorKindNamesTheServicesAnswer(int status, string code, string kind)
    {
        var error = new Azure.RequestFailedException(status, "message with https://account.blob.core.windows.net/x", code, null);
        Assert.Equal(kind, CopyErrorKind.Of(new InvalidOperationException("wrapped", error)));
    }

    [Fact]
    public void ACopyErrorKindWithoutAnAnswerSaysWhatKeptItFromOne()
    {
        Assert.Equal("unreachable", CopyErrorKind.Of(new Azure.RequestFailedException(0, "no answer", new HttpRequestException("refused"))));
        Assert.Equal("timeout", CopyErrorKind.Of(new TaskCanceledException()));
        Assert.Equal("InjectedFaultException", CopyErrorKind.Of(new InjectedFaultException("storage.upload")));
    }

    [Fact]
    public async Task LocalRetentionByBytesKeepsTheHotTailAndNeverDeletesWhatIsNotUploaded()
    {
        for (var i = 0; i < 6; i++)
        {
            _log.Roll();
        }

        var tier = NewTier(TierRetentionConfig.Default with { LocalRetentionBytes = 2000 });
        _storage.Faults.Arm("storage.upload", 4);
        Assert.Equal(3, await tier.CopyEligibleSegmentsAsync(default));

        // 6000 bytes local, 2000 allowed, but only segments 0-2 are uploaded.
        Assert.Equal(3, tier.ApplyLocalRetention());
        Assert.Equal(300, _log.LocalLogStartOffset);

        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(3, await tier.CopyEligibleSegmentsAsync(default));
        Assert.Equal(1, tier.ApplyLocalRetention());
        Assert.Equal(400, _log.LocalLogStartOffset);
        TierAssert.Consistent(_manifest, _storage, _log);
    }

    [Fact]
    public async Task LocalRetentionMsOfMinusTwoMeansRetentionMs()
    {
        _log.Roll(maxTimestamp: NowMs - 10_000);
        _log.Roll(maxTimestamp: NowMs - 1_000);
        _log.Roll(maxTimestamp: NowMs);
        var tier = NewTier(TierRetentionConfig.Default with { RetentionMs = 5_000 });
        await tier.CopyEligibleSegmentsAsync(default);

        Assert.Equal(1, tier.ApplyLocalRetention());
        Assert.Equal(100, _log.LocalLogStartOffset);

        tier.Config = tier.Config with { LocalRetentionMs = 500 };
        Assert.Equal(1, tier.ApplyLocalRetention());
        Assert.Equal(200, _log.LocalLogStartOffset);

        tier.Config = tier.Config with { LocalRetentionMs = -1 };
        _clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0, tier.ApplyLocalRetention());
    }

    [Fact]
    public async Task RemoteRetentionByBytesCountsTheWholeLogAndDeletesTheOldestRemoteSegments()
    {
        for (var i = 0; i < 5; i++)
        {
            _log.Roll();
        }

        var tier = NewTier(TierRetentionConfig.Default with { RetentionBytes = 3500, LocalRetentionBytes = 1000 });
        await tier.CopyEligibleSegmentsAsync(default);
        tier.ApplyLocalRetention();
        _log.Roll(committed: false);

        // Remote 5000 + 1000 not uploaded = 6000; at most 3500 may stay, so segments 0 and 1 go.
        Assert.Equal(200, await tier.ApplyRemoteRetentionAsync(default));
        _log.LogStartOffset = 200;
        Assert.Equal([200L, 300, 400], _manifest.Entries.Select(e => e.BaseOffset));
        TierAssert.Consistent(_manifest, _storage, _log);
        Assert.Equal(200, await tier.ApplyRemoteRetentionAsync(default));
    }

    [Fact]
    public async Task RemoteBytesBelowTheLocalLogStartCountOnlySegmentsNoLongerLocal()
    {
        for (var i = 0; i < 5; i++)
        {
            _log.Roll();
        }

        var tier = NewTier(TierRetentionConfig.Default with { LocalRetentionBytes = 2000 });
        await tier.CopyEligibleSegmentsAsync(default);
        tier.ApplyLocalRetention();
        var localStart = _log.LocalLogStartOffset;
        Assert.True(localStart > 0);
        // Segments of 100 offsets and 1000 bytes: those below the local start are held only remotely, counted from
        // the copy on (local retention deletes them before any remote retention lists them); the uploaded ones still
        // local are not counted again.
        Assert.Equal(localStart / 100 * 1000, tier.RemoteBytesBelow(localStart));

        await tier.ApplyRemoteRetentionAsync(default);
        Assert.Equal(localStart / 100 * 1000, tier.RemoteBytesBelow(localStart));

        // A new leader's tier knows them from its resume.
        var next = NewTier(leaderEpoch: 2);
        await next.ResumeAsync(default);
        Assert.Equal(localStart / 100 * 1000, next.RemoteBytesBelow(localStart));
        Assert.Equal(0, tier.RemoteBytesBelow(0));
    }

    [Fact]
    public async Task RemoteRetentionByTimeDeletesSegmentsWhoseNewestRecordIsTooOld()
    {
        _log.Roll(maxTimestamp: NowMs - 50_000);
        _log.Roll(maxTimestamp: NowMs - 20_000);
        _log.Roll(maxTimestamp: NowMs - 5_000);
        _log.Roll(maxTimestamp: NowMs);
        var tier = NewTier(TierRetentionConfig.Default with { RetentionMs = 30_000, LocalRetentionMs = 0 });
        await tier.CopyEligibleSegmentsAsync(default);
        tier.ApplyLocalRetention();

        Assert.Equal(100, await tier.ApplyRemoteRetentionAsync(default));
        _log.LogStartOffset = 100;
        _clock.Advance(TimeSpan.FromSeconds(16));
        Assert.Equal(200, await tier.ApplyRemoteRetentionAsync(default));
        _log.LogStartOffset = 200;
        Assert.Equal([200L, 300], _manifest.Entries.Select(e => e.BaseOffset));
        TierAssert.Consistent(_manifest, _storage, _log);
    }

    [Fact]
    public async Task RemoteSegmentsBelowTheLogStartOffsetGoAfterDeleteRecords()
    {
        for (var i = 0; i < 3; i++)
        {
            _log.Roll();
        }

        var tier = NewTier(TierRetentionConfig.Default with { RetentionMs = -1 });
        await tier.CopyEligibleSegmentsAsync(default);
        _log.LogStartOffset = 150;

        Assert.Equal(150, await tier.ApplyRemoteRetentionAsync(default));
        Assert.Equal([100L, 200], _manifest.Entries.Select(e => e.BaseOffset));
        Assert.Equal(1, tier.ApplyLocalRetention());
    }

    [Fact]
    public async Task DeletingThePartitionRemovesEveryEntryAndBlobWhateverTheirState()
    {
        for (var i = 0; i < 4; i++)
        {
            _log.Roll();
        }

        var tier = NewTier();
        _manifest.Faults.Arm("manifest.transition.CopyFinished", 3);
        await tier.CopyEligibleSegmentsAsync(default);
        _storage.Put(_manifest.Entries[0] with { SegmentId = Guid.NewGuid() }, RemoteFileType.TimeIndex);
        Assert.Equal(3, _manifest.Entries.Count);
        Assert.Equal(4, _storage.Files.Count);

        await NewTier(leaderEpoch: 2).DeletePartitionAsync(default);

        Assert.Empty(_manifest.Entries);
        Assert.Empty(_storage.Files);
    }

    [Fact]
    public async Task AnOldLeaderWhoseEntryWasCleanedByANewOneStopsCopying()
    {
        _log.Roll();
        _log.Roll();
        var old = NewTier(leaderEpoch: 1);
        await old.ResumeAsync(default);
        _manifest.Faults.Arm("manifest.transition.CopyFinished");
        Assert.Equal(0, await old.CopyEligibleSegmentsAsync(default));

        // The new leader takes over and cleans the old leader's attempt; then the old one retries.
        var current = NewTier(leaderEpoch: 2);
        await current.ResumeAsync(default);
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(0, await old.CopyEligibleSegmentsAsync(default));
        Assert.True(old.IsFenced);

        await current.ResumeAsync(default);
        Assert.Equal(2, await current.CopyEligibleSegmentsAsync(default));
        TierAssert.Consistent(_manifest, _storage, _log);
    }

    [Fact]
    public async Task ASegmentStraddlingTheUploadedRangeStopsUploadsAndIsKeptLocally()
    {
        for (var i = 0; i < 3; i++)
        {
            _log.Roll();
        }

        // An earlier leader with other segment boundaries uploaded offsets 0-149.
        var theirs = new RemoteSegmentMetadata(_log.TopicId, _log.Topic, _log.Partition, Guid.NewGuid(), 0, 149, NowMs, 1500, [], RemoteSegmentState.CopyStarted, 5, 0, _clock.GetUtcNow());
        await _manifest.AddCopyStartedAsync(theirs, default);
        await _manifest.TransitionAsync(theirs.TopicId, theirs.Partition, theirs.SegmentId, RemoteSegmentState.CopyStarted, RemoteSegmentState.CopyFinished, default);
        foreach (var file in Enum.GetValues<RemoteFileType>())
        {
            _storage.Put(theirs, file);
        }

        var tier = NewTier(TierRetentionConfig.Default with { LocalRetentionBytes = 0 });
        Assert.Equal(0, await tier.CopyEligibleSegmentsAsync(default));
        Assert.Equal(0, _storage.Uploads);
        Assert.Equal(2, tier.UploadLagSegments);

        // Offsets 150-199 exist only locally: the straddling segment stays.
        Assert.Equal(1, tier.ApplyLocalRetention());
        Assert.Equal(100, _log.LocalLogStartOffset);
        TierAssert.Consistent(_manifest, _storage, _log);
    }

    [Fact]
    public async Task AFencedTierLeavesRemoteRetentionToTheNewLeader()
    {
        _log.Roll();
        _log.Roll();
        var old = NewTier(TierRetentionConfig.Default with { RetentionBytes = 0 });
        await old.ResumeAsync(default);
        _manifest.Faults.Arm("manifest.transition.CopyFinished", 2);
        await old.CopyEligibleSegmentsAsync(default);
        await NewTier(leaderEpoch: 2).ResumeAsync(default);
        _clock.Advance(TimeSpan.FromMinutes(1));
        await old.CopyEligibleSegmentsAsync(default);
        Assert.True(old.IsFenced);

        Assert.Equal(0, await old.ApplyRemoteRetentionAsync(default));
        Assert.Equal([0L], _manifest.Entries.Select(e => e.BaseOffset));
    }

    [Fact]
    public async Task AFreshTierResumesBeforeItsFirstCopySoAnAbandonedAttemptNeverSitsBesideANewOne()
    {
        _log.Roll();
        _log.Roll();
        _storage.Faults.Arm("storage.upload.partial");
        await NewTier().CopyEligibleSegmentsAsync(default);
        Assert.Equal(RemoteSegmentState.CopyStarted, Assert.Single(_manifest.Entries).State);

        Assert.Equal(2, await NewTier(leaderEpoch: 2).CopyEligibleSegmentsAsync(default));

        Assert.All(_manifest.Entries, e => Assert.Equal(2, e.LeaderEpoch));
        TierAssert.Consistent(_manifest, _storage, _log);
    }

    [Fact]
    public async Task AFollowerDeletesOnlyLocalSegmentsTheManifestShowsUploadedAndWritesNothing()
    {
        for (var i = 0; i < 6; i++)
        {
            _log.Roll();
        }

        // The leader (another broker) uploaded segments 0-2 and has an upload of segment 3 in flight.
        var leader = NewTier(TierRetentionConfig.Default with { LocalRetentionBytes = 1000 }, leaderEpoch: 4);
        _storage.Faults.Arm("storage.upload", 4);
        Assert.Equal(3, await leader.CopyEligibleSegmentsAsync(default));
        var manifestBefore = _manifest.Entries.ToList();
        var uploadsBefore = _storage.Uploads;

        var follower = NewTier(TierRetentionConfig.Default with { LocalRetentionBytes = 1000 }, leaderEpoch: 4);
        Assert.Equal(3, await follower.ApplyFollowerLocalRetentionAsync(default));

        Assert.Equal(300, _log.LocalLogStartOffset);
        Assert.Equal(manifestBefore, _manifest.Entries);
        Assert.Equal(uploadsBefore, _storage.Uploads);
        Assert.Equal(0, await follower.ApplyFollowerLocalRetentionAsync(default));
    }

    [Fact]
    public async Task ADeposedLeaderThatKeepsCopyingAfterTheNewOneResumedAddsNothing()
    {
        for (var i = 0; i < 3; i++)
        {
            _log.Roll();
        }

        var deposed = NewTier(leaderEpoch: 1);
        Assert.Equal(3, await deposed.CopyEligibleSegmentsAsync(default));
        _log.Roll();
        _log.Roll();

        // The new leader resumes (fencing the partition at its epoch) before the old one notices anything.
        var current = NewTier(leaderEpoch: 2);
        await current.ResumeAsync(default);
        Assert.Equal(2, _manifest.Fence);

        Assert.Equal(0, await deposed.CopyEligibleSegmentsAsync(default));
        Assert.True(deposed.IsFenced);
        Assert.Equal(2, await current.CopyEligibleSegmentsAsync(default));

        // One entry per range: the old leader's three and the new leader's two, none twice.
        Assert.Equal([0L, 100, 200, 300, 400], _manifest.Entries.Select(e => e.BaseOffset));
        Assert.Equal([1, 1, 1, 2, 2], _manifest.Entries.Select(e => e.LeaderEpoch));
        Assert.Equal(_log.LogStartOffset, await deposed.ApplyRemoteRetentionAsync(default));
        TierAssert.Consistent(_manifest, _storage, _log);
    }

    [Fact]
    public async Task OffsetsInNeitherTierMoveTheLogStartPastThem()
    {
        for (var i = 0; i < 3; i++)
        {
            _log.Roll();
        }

        _log.Roll(committed: false);
        var tier = NewTier(TierRetentionConfig.Default with { LocalRetentionBytes = 0 });
        Assert.Equal(3, await tier.CopyEligibleSegmentsAsync(default));
        Assert.Equal(3, tier.ApplyLocalRetention());
        Assert.Equal(0, await tier.ApplyRemoteRetentionAsync(default));

        // Someone else (a deposed leader's retention) deleted the oldest upload entirely.
        var oldest = _manifest.Entries[0];
        foreach (var (from, to) in new[] { (RemoteSegmentState.CopyFinished, RemoteSegmentState.DeleteStarted), (RemoteSegmentState.DeleteStarted, RemoteSegmentState.DeleteFinished) })
        {
            Assert.True(await _manifest.TransitionAsync(oldest.TopicId, oldest.Partition, oldest.SegmentId, from, to, default));
        }

        await _storage.DeleteAsync(oldest, default);
        Assert.True(await _manifest.RemoveAsync(oldest.TopicId, oldest.Partition, oldest.SegmentId, default));

        Assert.Equal(100, await tier.ApplyRemoteRetentionAsync(default));
    }
}
