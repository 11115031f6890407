using Fjord.Log.Checkpoints;
using Microsoft.Extensions.Time.Testing;

namespace Fjord.Tiering.Tests;

/// <summary>
/// The behaviour every <see cref="IRemoteLogMetadataStore"/> must have, run against the in-memory
/// fake and against Table storage on Azurite.
/// </summary>
public abstract class RemoteLogMetadataStoreContractTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    // xunit creates a class instance per test, so this bounds each test on its own.
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(3));

    protected CancellationToken Ct => _timeout.Token;

    protected FakeTimeProvider Time { get; } = new(Start);

    /// <summary>A fresh, empty store no other test sees, whose transitions are stamped by <see cref="Time"/>.</summary>
    protected abstract Task<IRemoteLogMetadataStore> CreateStoreAsync();

    protected static RemoteSegmentMetadata Segment(Guid topicId, int partition = 0, long baseOffset = 0, DateTimeOffset? eventTime = null, string topic = "orders") =>
        new(
            topicId,
            topic,
            partition,
            Guid.NewGuid(),
            baseOffset,
            baseOffset + 99,
            1_700_000_000_000 + baseOffset,
            4096 + baseOffset,
            [new EpochEntry(2, baseOffset), new EpochEntry(5, baseOffset + 40)],
            RemoteSegmentState.CopyStarted,
            BrokerId: 3,
            LeaderEpoch: 5,
            eventTime ?? Start);

    /// <summary>Walks the entry from its current state along KIP-405's main path to <paramref name="state"/>.</summary>
    protected async Task MoveToAsync(IRemoteLogMetadataStore store, RemoteSegmentMetadata segment, RemoteSegmentState state)
    {
        var current = await StateOfAsync(store, segment);
        for (var next = current + 1; current < state; current = next++)
            Assert.True(await store.TransitionAsync(segment.TopicId, segment.Partition, segment.SegmentId, current, next, Ct));
    }

    protected static void AssertSameEntry(RemoteSegmentMetadata expected, RemoteSegmentMetadata actual)
    {
        // Records compare lists by reference, so the epochs are compared on their own.
        Assert.Equal(expected with { LeaderEpochs = [] }, actual with { LeaderEpochs = [] });
        Assert.Equal(expected.LeaderEpochs, actual.LeaderEpochs);
    }

    protected async Task<RemoteSegmentState> StateOfAsync(IRemoteLogMetadataStore store, RemoteSegmentMetadata segment) =>
        Assert.Single(await store.ListAsync(segment.TopicId, segment.Partition, Ct), e => e.SegmentId == segment.SegmentId).State;

    [Fact]
    public async Task AnAddedSegmentIsListedWithEveryFieldIntact()
    {
        var store = await CreateStoreAsync();
        var segment = Segment(Guid.NewGuid(), partition: 7, baseOffset: 1234) with { Topic = "payments.eu-west_1", MaxTimestamp = -1 };

        Assert.True(await store.AddCopyStartedAsync(segment, Ct));

        AssertSameEntry(segment, Assert.Single(await store.ListAsync(segment.TopicId, 7, Ct)));
    }

    [Fact]
    public async Task ASegmentWithoutLeaderEpochsRoundTrips()
    {
        var store = await CreateStoreAsync();
        var segment = Segment(Guid.NewGuid()) with { LeaderEpochs = [] };

        Assert.True(await store.AddCopyStartedAsync(segment, Ct));

        Assert.Empty(Assert.Single(await store.ListAsync(segment.TopicId, 0, Ct)).LeaderEpochs);
    }

    [Fact]
    public async Task AddingAnExistingSegmentIdIsRefusedAndKeepsTheFirstEntry()
    {
        var store = await CreateStoreAsync();
        var segment = Segment(Guid.NewGuid());
        Assert.True(await store.AddCopyStartedAsync(segment, Ct));
        await MoveToAsync(store, segment, RemoteSegmentState.CopyFinished);

        Assert.False(await store.AddCopyStartedAsync(segment with { BaseOffset = 500, EndOffset = 600 }, Ct));

        var stored = Assert.Single(await store.ListAsync(segment.TopicId, 0, Ct));
        Assert.Equal(0, stored.BaseOffset);
        Assert.Equal(RemoteSegmentState.CopyFinished, stored.State);
    }

    [Theory]
    [InlineData(RemoteSegmentState.CopyFinished)]
    [InlineData(RemoteSegmentState.DeleteStarted)]
    [InlineData(RemoteSegmentState.DeleteFinished)]
    public async Task AddingAnEntryNotInCopyStartedThrows(RemoteSegmentState state)
    {
        var store = await CreateStoreAsync();

        await Assert.ThrowsAsync<ArgumentException>(() => store.AddCopyStartedAsync(Segment(Guid.NewGuid()) with { State = state }, Ct));
    }

    [Fact]
    public async Task AnEventTimeTableStorageCannotHoldIsRefusedUpFront()
    {
        var store = await CreateStoreAsync();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.AddCopyStartedAsync(Segment(Guid.NewGuid(), eventTime: DateTimeOffset.MinValue), Ct));
    }

    [Theory]
    [InlineData(RemoteSegmentState.CopyStarted, RemoteSegmentState.CopyFinished)]
    [InlineData(RemoteSegmentState.CopyStarted, RemoteSegmentState.DeleteStarted)]
    [InlineData(RemoteSegmentState.CopyFinished, RemoteSegmentState.DeleteStarted)]
    [InlineData(RemoteSegmentState.DeleteStarted, RemoteSegmentState.DeleteFinished)]
    public async Task EveryAllowedTransitionMovesTheStateAndStampsTheEventTime(RemoteSegmentState from, RemoteSegmentState to)
    {
        var store = await CreateStoreAsync();
        var segment = Segment(Guid.NewGuid());
        await store.AddCopyStartedAsync(segment, Ct);
        await MoveToAsync(store, segment, from);
        Time.Advance(TimeSpan.FromSeconds(42));

        Assert.True(await store.TransitionAsync(segment.TopicId, 0, segment.SegmentId, from, to, Ct));

        var stored = Assert.Single(await store.ListAsync(segment.TopicId, 0, Ct));
        Assert.Equal(to, stored.State);
        Assert.Equal(Time.GetUtcNow(), stored.EventTime);
        AssertSameEntry(segment with { State = to, EventTime = stored.EventTime }, stored);
    }

    [Theory]
    [InlineData(RemoteSegmentState.CopyStarted)]
    [InlineData(RemoteSegmentState.CopyFinished)]
    [InlineData(RemoteSegmentState.DeleteStarted)]
    [InlineData(RemoteSegmentState.DeleteFinished)]
    public async Task ASelfTransitionSucceedsAndChangesNothing(RemoteSegmentState state)
    {
        var store = await CreateStoreAsync();
        var segment = Segment(Guid.NewGuid());
        await store.AddCopyStartedAsync(segment, Ct);
        await MoveToAsync(store, segment, state);
        var before = Assert.Single(await store.ListAsync(segment.TopicId, 0, Ct));
        Time.Advance(TimeSpan.FromMinutes(1));

        Assert.True(await store.TransitionAsync(segment.TopicId, 0, segment.SegmentId, state, state, Ct));

        AssertSameEntry(before, Assert.Single(await store.ListAsync(segment.TopicId, 0, Ct)));
    }

    [Fact]
    public async Task ATransitionFromAStateTheEntryIsNotInIsRefusedAndWritesNothing()
    {
        var store = await CreateStoreAsync();
        var segment = Segment(Guid.NewGuid());
        await store.AddCopyStartedAsync(segment, Ct);
        await MoveToAsync(store, segment, RemoteSegmentState.DeleteStarted);

        Assert.False(await store.TransitionAsync(segment.TopicId, 0, segment.SegmentId, RemoteSegmentState.CopyStarted, RemoteSegmentState.CopyFinished, Ct));
        Assert.False(await store.TransitionAsync(segment.TopicId, 0, segment.SegmentId, RemoteSegmentState.CopyFinished, RemoteSegmentState.CopyFinished, Ct));

        Assert.Equal(RemoteSegmentState.DeleteStarted, await StateOfAsync(store, segment));
    }

    [Fact]
    public async Task ATransitionOfAMissingEntryIsRefused()
    {
        var store = await CreateStoreAsync();
        var segment = Segment(Guid.NewGuid());
        await store.AddCopyStartedAsync(segment, Ct);

        Assert.False(await store.TransitionAsync(segment.TopicId, 0, Guid.NewGuid(), RemoteSegmentState.CopyStarted, RemoteSegmentState.CopyFinished, Ct));
        Assert.False(await store.TransitionAsync(segment.TopicId, 1, segment.SegmentId, RemoteSegmentState.CopyStarted, RemoteSegmentState.CopyFinished, Ct));
        Assert.False(await store.TransitionAsync(Guid.NewGuid(), 0, segment.SegmentId, RemoteSegmentState.CopyStarted, RemoteSegmentState.CopyFinished, Ct));
        Assert.Equal(RemoteSegmentState.CopyStarted, await StateOfAsync(store, segment));
    }

    [Theory]
    [InlineData(RemoteSegmentState.CopyStarted, RemoteSegmentState.DeleteFinished)]
    [InlineData(RemoteSegmentState.CopyFinished, RemoteSegmentState.CopyStarted)]
    [InlineData(RemoteSegmentState.CopyFinished, RemoteSegmentState.DeleteFinished)]
    [InlineData(RemoteSegmentState.DeleteStarted, RemoteSegmentState.CopyFinished)]
    [InlineData(RemoteSegmentState.DeleteFinished, RemoteSegmentState.CopyStarted)]
    [InlineData(RemoteSegmentState.DeleteFinished, RemoteSegmentState.DeleteStarted)]
    public async Task ATransitionKip405ForbidsThrowsAndWritesNothing(RemoteSegmentState from, RemoteSegmentState to)
    {
        var store = await CreateStoreAsync();
        var segment = Segment(Guid.NewGuid());
        await store.AddCopyStartedAsync(segment, Ct);
        await MoveToAsync(store, segment, from);

        await Assert.ThrowsAsync<ArgumentException>(() => store.TransitionAsync(segment.TopicId, 0, segment.SegmentId, from, to, Ct));

        Assert.Equal(from, await StateOfAsync(store, segment));
    }

    [Fact]
    public async Task OfRacingTransitionsOfOneSegmentExactlyOneWins()
    {
        var store = await CreateStoreAsync();
        for (var round = 0; round < 5; round++)
        {
            var segment = Segment(Guid.NewGuid(), baseOffset: round * 100);
            await store.AddCopyStartedAsync(segment, Ct);
            // An old leader finishing its copy races a new leader abandoning it, several times over.
            var targets = Enumerable.Range(0, 8).Select(i => i % 2 == 0 ? RemoteSegmentState.CopyFinished : RemoteSegmentState.DeleteStarted).ToArray();
            var racers = targets.Select(to => Task.Run(() => store.TransitionAsync(segment.TopicId, 0, segment.SegmentId, RemoteSegmentState.CopyStarted, to, Ct))).ToArray();
            var results = await Task.WhenAll(racers);

            var winner = Assert.Single(results.Select((won, i) => (won, i)), r => r.won).i;
            Assert.Equal(targets[winner], await StateOfAsync(store, segment));
        }
    }

    [Fact]
    public async Task AListIsOrderedByBaseOffsetThenEventTime()
    {
        var store = await CreateStoreAsync();
        var topicId = Guid.NewGuid();
        var later = Segment(topicId, baseOffset: 100, eventTime: Start.AddMinutes(5));
        var earlier = Segment(topicId, baseOffset: 100, eventTime: Start.AddMinutes(1));
        var first = Segment(topicId, baseOffset: 0, eventTime: Start.AddMinutes(9));
        var last = Segment(topicId, baseOffset: 200);
        foreach (var segment in new[] { last, later, first, earlier })
            Assert.True(await store.AddCopyStartedAsync(segment, Ct));

        var listed = await store.ListAsync(topicId, 0, Ct);

        Assert.Equal([first.SegmentId, earlier.SegmentId, later.SegmentId, last.SegmentId], listed.Select(e => e.SegmentId));
    }

    [Fact]
    public async Task OnlyADeleteFinishedEntryCanBeRemoved()
    {
        var store = await CreateStoreAsync();
        var segment = Segment(Guid.NewGuid());
        await store.AddCopyStartedAsync(segment, Ct);

        foreach (var state in new[] { RemoteSegmentState.CopyStarted, RemoteSegmentState.CopyFinished, RemoteSegmentState.DeleteStarted })
        {
            await MoveToAsync(store, segment, state);
            Assert.False(await store.RemoveAsync(segment.TopicId, 0, segment.SegmentId, Ct));
            Assert.Equal(state, await StateOfAsync(store, segment));
        }

        await MoveToAsync(store, segment, RemoteSegmentState.DeleteFinished);
        Assert.True(await store.RemoveAsync(segment.TopicId, 0, segment.SegmentId, Ct));
        Assert.Empty(await store.ListAsync(segment.TopicId, 0, Ct));
        Assert.False(await store.RemoveAsync(segment.TopicId, 0, segment.SegmentId, Ct));
        Assert.False(await store.TransitionAsync(segment.TopicId, 0, segment.SegmentId, RemoteSegmentState.DeleteFinished, RemoteSegmentState.DeleteFinished, Ct));
    }

    [Fact]
    public async Task ARemovedSegmentIdCanBeAddedAgain()
    {
        var store = await CreateStoreAsync();
        var segment = Segment(Guid.NewGuid());
        await store.AddCopyStartedAsync(segment, Ct);
        await MoveToAsync(store, segment, RemoteSegmentState.DeleteFinished);
        await store.RemoveAsync(segment.TopicId, 0, segment.SegmentId, Ct);

        Assert.True(await store.AddCopyStartedAsync(segment, Ct));
        Assert.Equal(RemoteSegmentState.CopyStarted, await StateOfAsync(store, segment));
    }

    [Fact]
    public async Task ListingATopicReturnsEveryPartitionAndNothingOfOtherTopics()
    {
        var store = await CreateStoreAsync();
        var topicId = Guid.NewGuid();
        var other = Guid.NewGuid();
        var p0 = Segment(topicId, partition: 0, baseOffset: 10);
        var p2 = Segment(topicId, partition: 2, baseOffset: 0);
        var p10 = Segment(topicId, partition: 10, baseOffset: 0);
        foreach (var segment in new[] { p10, p2, p0, Segment(other, partition: 0), Segment(other, partition: 2) })
            Assert.True(await store.AddCopyStartedAsync(segment, Ct));

        var listed = await store.ListTopicAsync(topicId, Ct);

        Assert.Equal([p0.SegmentId, p2.SegmentId, p10.SegmentId], listed.Select(e => e.SegmentId));
        Assert.Equal([p2.SegmentId], (await store.ListAsync(topicId, 2, Ct)).Select(e => e.SegmentId));
        Assert.Empty(await store.ListAsync(topicId, 1, Ct));
        Assert.Empty(await store.ListTopicAsync(Guid.NewGuid(), Ct));
    }

    [Fact]
    public async Task APartitionOfMoreThanAHundredEntriesListsThemAllInOrder()
    {
        var store = await CreateStoreAsync();
        var topicId = Guid.NewGuid();
        var segments = Enumerable.Range(0, 150).Select(i => Segment(topicId, baseOffset: i * 100L)).ToArray();
        // Added out of order and a few at a time, to bound the requests in flight against Azurite.
        foreach (var batch in segments.Reverse().Chunk(10))
            Assert.All(await Task.WhenAll(batch.Select(s => store.AddCopyStartedAsync(s, Ct))), Assert.True);

        var listed = await store.ListAsync(topicId, 0, Ct);

        Assert.Equal(segments.Select(s => s.SegmentId), listed.Select(e => e.SegmentId));
        Assert.Equal(150, (await store.ListTopicAsync(topicId, Ct)).Count);
    }

    [Fact]
    public async Task AfterANewerLeaderFencesThePartitionAnOlderLeaderCanNoLongerAddEntries()
    {
        var store = await CreateStoreAsync();
        var topicId = Guid.NewGuid();
        Assert.True(await store.FenceAsync(topicId, 0, 6, Ct));

        var zombie = Segment(topicId) with { LeaderEpoch = 5 };
        Assert.False(await store.AddCopyStartedAsync(zombie, Ct));
        Assert.Empty(await store.ListAsync(topicId, 0, Ct));

        var current = Segment(topicId) with { LeaderEpoch = 6 };
        Assert.True(await store.AddCopyStartedAsync(current, Ct));
        Assert.Equal([current.SegmentId], (await store.ListAsync(topicId, 0, Ct)).Select(e => e.SegmentId));
        Assert.Equal([current.SegmentId], (await store.ListTopicAsync(topicId, Ct)).Select(e => e.SegmentId));

        // The fence only rises; the same epoch may fence again; other partitions are not fenced.
        Assert.False(await store.FenceAsync(topicId, 0, 5, Ct));
        Assert.True(await store.FenceAsync(topicId, 0, 6, Ct));
        Assert.True(await store.AddCopyStartedAsync(Segment(topicId, partition: 1) with { LeaderEpoch = 1 }, Ct));
    }

    [Fact]
    public async Task RemovingADeletedTopicsFencesLeavesOtherTopicsFenced()
    {
        var store = await CreateStoreAsync();
        var (gone, kept) = (Guid.NewGuid(), Guid.NewGuid());
        Assert.True(await store.FenceAsync(gone, 0, 6, Ct));
        Assert.True(await store.FenceAsync(gone, 1, 6, Ct));
        Assert.True(await store.FenceAsync(kept, 0, 6, Ct));

        await store.RemoveFencesAsync(gone, Ct);

        Assert.True(await store.FenceAsync(gone, 0, 1, Ct));
        Assert.True(await store.FenceAsync(gone, 1, 1, Ct));
        Assert.False(await store.FenceAsync(kept, 0, 1, Ct));
        Assert.Empty(await store.ListTopicAsync(gone, Ct));
    }

    [Fact]
    public async Task AnAddRaisesTheFenceToItsLeaderEpoch()
    {
        var store = await CreateStoreAsync();
        var topicId = Guid.NewGuid();
        Assert.True(await store.AddCopyStartedAsync(Segment(topicId) with { LeaderEpoch = 7 }, Ct));

        Assert.False(await store.FenceAsync(topicId, 0, 6, Ct));
        Assert.False(await store.AddCopyStartedAsync(Segment(topicId) with { LeaderEpoch = 6 }, Ct));
        Assert.True(await store.FenceAsync(topicId, 0, 8, Ct));
    }
}
