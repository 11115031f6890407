using Fjord.Cluster;
using Microsoft.Extensions.Time.Testing;

namespace Fjord.Cluster.Tests;

/// <summary>
/// The behaviour every <see cref="IControllerStore"/> must have, run against the in-memory fake and
/// against Table storage on Azurite. Lease durations pass on a <see cref="FakeTimeProvider"/> shared
/// by every store instance of a test, so no test sleeps.
/// </summary>
public abstract class ControllerStoreContractTests
{
    protected static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(10);

    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(3));

    protected CancellationToken Ct => _timeout.Token;

    protected FakeTimeProvider Clock { get; } = new();

    /// <summary>A fresh, empty store on <see cref="Clock"/> that no other test sees.</summary>
    protected abstract Task<IControllerStore> CreateStoreAsync();

    /// <summary>Another store instance over the same data (another broker process), on <see cref="Clock"/>.</summary>
    protected abstract Task<IControllerStore> OpenSameStoreAsync(IControllerStore store);

    private static IMetadataStore Metadata(IControllerStore store) => (IMetadataStore)store;

    private static PartitionState State(string topic, int partition, int leader = 1, int leaderEpoch = 0, int[]? isr = null, int partitionEpoch = 0) =>
        new(topic, partition, [1, 2, 3], leader, leaderEpoch, isr ?? [1, 2, 3], partitionEpoch);

    private static BrokerRegistration Broker(int nodeId, Guid incarnationId) =>
        new(nodeId, incarnationId, [new BrokerEndpoint("PLAINTEXT", "127.0.0.1", 9000 + nodeId, "PLAINTEXT")], null, DateTimeOffset.UnixEpoch);

    private async Task<ControllerToken> BecomeControllerAsync(IControllerStore store, int nodeId = 1)
    {
        var claim = await store.TryClaimControllerAsync(nodeId, Guid.NewGuid(), LeaseDuration, Ct);
        Assert.True(claim.IsController);
        return claim.Token!;
    }

    private async Task CreateTopicAsync(IControllerStore store, string name, int partitions = 3) =>
        Assert.Equal(CreateTopicOutcome.Created, await Metadata(store).CreateTopicAsync(new TopicMetadata(name, Guid.NewGuid(), partitions, 3, new Dictionary<string, string>()), Ct));

    [Fact]
    public async Task FirstClaimWinsWithEpochOne()
    {
        var store = await CreateStoreAsync();
        Assert.Null(await store.GetControllerAsync(Ct));
        var incarnation = Guid.NewGuid();

        var claim = await store.TryClaimControllerAsync(7, incarnation, LeaseDuration, Ct);

        Assert.True(claim.IsController);
        Assert.Equal(new ControllerLease(7, incarnation, 1), claim.Lease);
        Assert.NotNull(claim.Token);
        Assert.Equal(1, claim.Token.Epoch);
        Assert.Equal(new ControllerLease(7, incarnation, 1), await store.GetControllerAsync(Ct));
    }

    [Fact]
    public async Task ASecondNodeCannotClaimWhileTheHolderRenews()
    {
        var first = await CreateStoreAsync();
        var second = await OpenSameStoreAsync(first);
        var holder = Guid.NewGuid();
        var claimant = Guid.NewGuid();
        Assert.True((await first.TryClaimControllerAsync(1, holder, LeaseDuration, Ct)).IsController);

        for (var round = 0; round < 5; round++)
        {
            var refused = await second.TryClaimControllerAsync(2, claimant, LeaseDuration, Ct);
            Assert.False(refused.IsController);
            Assert.Null(refused.Token);
            Assert.Equal(new ControllerLease(1, holder, 1), refused.Lease);

            Clock.Advance(LeaseDuration * 0.6);
            var renewed = await first.TryClaimControllerAsync(1, holder, LeaseDuration, Ct);
            Assert.True(renewed.IsController);
            Assert.Equal(1, renewed.Lease!.Epoch);
            Clock.Advance(LeaseDuration * 0.6);
        }

        Assert.False((await second.TryClaimControllerAsync(2, claimant, LeaseDuration, Ct)).IsController);
        Assert.Equal(new ControllerLease(1, holder, 1), await first.GetControllerAsync(Ct));
    }

    [Fact]
    public async Task AfterTheHolderStopsRenewingForALeaseDurationTheSecondNodeTakesOverWithEpochTwo()
    {
        var first = await CreateStoreAsync();
        var second = await OpenSameStoreAsync(first);
        var holder = Guid.NewGuid();
        var claimant = Guid.NewGuid();
        Assert.True((await first.TryClaimControllerAsync(1, holder, LeaseDuration, Ct)).IsController);
        Assert.False((await second.TryClaimControllerAsync(2, claimant, LeaseDuration, Ct)).IsController);

        Clock.Advance(LeaseDuration - TimeSpan.FromMilliseconds(1));
        Assert.False((await second.TryClaimControllerAsync(2, claimant, LeaseDuration, Ct)).IsController);
        Clock.Advance(TimeSpan.FromMilliseconds(1));
        var takeover = await second.TryClaimControllerAsync(2, claimant, LeaseDuration, Ct);

        Assert.True(takeover.IsController);
        Assert.Equal(new ControllerLease(2, claimant, 2), takeover.Lease);
        Assert.Equal(new ControllerLease(1, holder, 1), takeover.Lapsed);
        Assert.Null(takeover.Superseded);
        var deposed = await first.TryClaimControllerAsync(1, holder, LeaseDuration, Ct);
        Assert.False(deposed.IsController);
        Assert.Null(deposed.Token);
        Assert.Equal(new ControllerLease(2, claimant, 2), deposed.Lease);
    }

    [Fact]
    public async Task AReleasedLeaseIsTakenAtOnceWithTheNextEpochAndTheReleasedTokenIsFenced()
    {
        var first = await CreateStoreAsync();
        var second = await OpenSameStoreAsync(first);
        await CreateTopicAsync(first, "orders");
        var holder = Guid.NewGuid();
        var claimant = Guid.NewGuid();
        var token = (await first.TryClaimControllerAsync(1, holder, LeaseDuration, Ct)).Token!;
        Assert.False((await second.TryClaimControllerAsync(2, claimant, LeaseDuration, Ct)).IsController);
        Assert.True((await first.TryClaimControllerAsync(1, holder, LeaseDuration, Ct)).IsController);
        var version = await Metadata(first).GetVersionAsync(Ct);

        Assert.True(await first.ReleaseControllerAsync(token, Ct));

        Assert.Null(await second.GetControllerAsync(Ct));
        Assert.Equal(WriteOutcome.Fenced, await first.WritePartitionStatesAsync(token, [(State("orders", 0), null)], Ct));
        Assert.False(await first.ReleaseControllerAsync(token, Ct));
        Assert.Equal(version, await Metadata(first).GetVersionAsync(Ct));

        // No clock moved: the release, not a lapse, lets the next claimant in.
        var takeover = await second.TryClaimControllerAsync(2, claimant, LeaseDuration, Ct);
        Assert.True(takeover.IsController);
        Assert.Equal(new ControllerLease(2, claimant, 2), takeover.Lease);
        Assert.Null(takeover.Lapsed);
        Assert.Null(takeover.Superseded);
        Assert.Equal(version + 1, await Metadata(first).GetVersionAsync(Ct));
        Assert.Equal(new ControllerLease(2, claimant, 2), await first.GetControllerAsync(Ct));
        var former = await first.TryClaimControllerAsync(1, holder, LeaseDuration, Ct);
        Assert.False(former.IsController);
        Assert.Equal(WriteOutcome.Written, await second.WritePartitionStatesAsync(takeover.Token!, [(State("orders", 0), null)], Ct));
    }

    [Fact]
    public async Task TheHolderItselfMayClaimAgainAfterReleasingWithTheNextEpoch()
    {
        var store = await CreateStoreAsync();
        var holder = Guid.NewGuid();
        var token = (await store.TryClaimControllerAsync(1, holder, LeaseDuration, Ct)).Token!;
        Assert.True(await store.ReleaseControllerAsync(token, Ct));

        var again = await store.TryClaimControllerAsync(1, holder, LeaseDuration, Ct);

        Assert.True(again.IsController);
        Assert.Equal(new ControllerLease(1, holder, 2), again.Lease);
        Assert.Equal(2, again.Token!.Epoch);
    }

    [Fact]
    public async Task ADeposedHoldersReleaseAndRenewalFailAndWriteNothing()
    {
        var first = await CreateStoreAsync();
        var second = await OpenSameStoreAsync(first);
        var holder = Guid.NewGuid();
        var claimant = Guid.NewGuid();
        var oldToken = (await first.TryClaimControllerAsync(1, holder, LeaseDuration, Ct)).Token!;
        Assert.False((await second.TryClaimControllerAsync(2, claimant, LeaseDuration, Ct)).IsController);
        Clock.Advance(LeaseDuration);
        var newToken = (await second.TryClaimControllerAsync(2, claimant, LeaseDuration, Ct)).Token!;
        var version = await Metadata(first).GetVersionAsync(Ct);

        Assert.False(await first.ReleaseControllerAsync(oldToken, Ct));
        Assert.False((await first.TryClaimControllerAsync(1, holder, LeaseDuration, Ct)).IsController);

        Assert.Equal(new ControllerLease(2, claimant, 2), await first.GetControllerAsync(Ct));
        Assert.Equal(version, await Metadata(first).GetVersionAsync(Ct));
        Assert.True((await second.TryClaimControllerAsync(2, claimant, LeaseDuration, Ct)).IsController);
        Assert.True(await second.ReleaseControllerAsync(newToken, Ct));
    }

    [Fact]
    public async Task ANewIncarnationOfTheHoldersNodeTakesOverAtOnceAndFencesTheOldOne()
    {
        var first = await CreateStoreAsync();
        var second = await OpenSameStoreAsync(first);
        await CreateTopicAsync(first, "orders");
        var old = Guid.NewGuid();
        var restarted = Guid.NewGuid();
        await Metadata(first).RegisterBrokerAsync(Broker(3, old), Ct);
        var oldToken = (await first.TryClaimControllerAsync(3, old, LeaseDuration, Ct)).Token!;
        Assert.False((await second.TryClaimControllerAsync(4, Guid.NewGuid(), LeaseDuration, Ct)).IsController);
        // Not before the new process has registered (fencing the old one): until then it waits like anyone.
        Assert.False((await second.TryClaimControllerAsync(3, restarted, LeaseDuration, Ct)).IsController);
        await Metadata(first).RegisterBrokerAsync(Broker(3, restarted), Ct);

        var takeover = await second.TryClaimControllerAsync(3, restarted, LeaseDuration, Ct);

        Assert.True(takeover.IsController);
        Assert.Equal(new ControllerLease(3, restarted, 2), takeover.Lease);
        Assert.Null(takeover.Lapsed);
        Assert.Equal(new ControllerLease(3, old, 1), takeover.Superseded);
        Assert.Equal(WriteOutcome.Fenced, await first.WritePartitionStatesAsync(oldToken, [(State("orders", 0), null)], Ct));
        // The fenced process cannot take it back the same way.
        Assert.False((await first.TryClaimControllerAsync(3, old, LeaseDuration, Ct)).IsController);
        Assert.Equal(new ControllerLease(3, restarted, 2), await first.GetControllerAsync(Ct));
    }

    [Fact]
    public async Task TheDeposedControllersWriteIsFencedAndWritesNothing()
    {
        var first = await CreateStoreAsync();
        var second = await OpenSameStoreAsync(first);
        await CreateTopicAsync(first, "orders");
        var oldToken = await BecomeControllerAsync(first, 1);
        Assert.Equal(WriteOutcome.Written, await first.WritePartitionStatesAsync(oldToken, [(State("orders", 0), null)], Ct));

        var claimant = Guid.NewGuid();
        Assert.False((await second.TryClaimControllerAsync(2, claimant, LeaseDuration, Ct)).IsController);
        Clock.Advance(LeaseDuration);
        var newToken = (await second.TryClaimControllerAsync(2, claimant, LeaseDuration, Ct)).Token!;
        var version = await Metadata(first).GetVersionAsync(Ct);

        Assert.Equal(WriteOutcome.Fenced, await first.WritePartitionStatesAsync(oldToken, [(State("orders", 1), null), (State("orders", 0, partitionEpoch: 1), 0)], Ct));

        Assert.Equal(version, await Metadata(first).GetVersionAsync(Ct));
        Assert.Null(await first.GetPartitionStateAsync("orders", 1, Ct));
        Assert.Equal(0, (await first.GetPartitionStateAsync("orders", 0, Ct))!.PartitionEpoch);
        Assert.Equal(WriteOutcome.Written, await second.WritePartitionStatesAsync(newToken, [(State("orders", 1, leaderEpoch: 1), null)], Ct));
        Assert.Equal(1, (await first.GetPartitionStateAsync("orders", 1, Ct))!.LeaderEpoch);
    }

    [Fact]
    public async Task TheHolderKeepsWritingWithItsTokenAcrossRenewals()
    {
        var store = await CreateStoreAsync();
        await CreateTopicAsync(store, "orders");
        var incarnation = Guid.NewGuid();
        var token = (await store.TryClaimControllerAsync(1, incarnation, LeaseDuration, Ct)).Token!;

        Assert.Equal(WriteOutcome.Written, await store.WritePartitionStatesAsync(token, [(State("orders", 0), null)], Ct));
        var renewed = await store.TryClaimControllerAsync(1, incarnation, LeaseDuration, Ct);
        Assert.Equal(WriteOutcome.Written, await store.WritePartitionStatesAsync(renewed.Token!, [(State("orders", 1), null)], Ct));
        Assert.Equal(WriteOutcome.Written, await store.WritePartitionStatesAsync(token, [(State("orders", 2), null)], Ct));

        Assert.Equal(3, (await store.ListPartitionStatesAsync(Ct)).Count);
    }

    [Fact]
    public async Task TenConcurrentClaimantsYieldExactlyOneController()
    {
        var store = await CreateStoreAsync();
        var stores = new List<IControllerStore>();
        for (var i = 0; i < 10; i++)
            stores.Add(await OpenSameStoreAsync(store));
        var incarnations = Enumerable.Range(0, 10).Select(_ => Guid.NewGuid()).ToArray();

        var claims = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(() => stores[i].TryClaimControllerAsync(i, incarnations[i], LeaseDuration, Ct))));

        var winner = Assert.Single(claims, c => c.IsController);
        Assert.Equal(1, winner.Lease!.Epoch);
        Assert.All(claims, c => Assert.Equal(winner.Lease, c.Lease));

        // Once the winner falls silent, the nine others race the takeover: again exactly one wins.
        var losers = Enumerable.Range(0, 10).Where(i => !claims[i].IsController).ToArray();
        Clock.Advance(LeaseDuration);
        var takeovers = await Task.WhenAll(losers.Select(i => Task.Run(() => stores[i].TryClaimControllerAsync(i, incarnations[i], LeaseDuration, Ct))));

        var successor = Assert.Single(takeovers, c => c.IsController);
        Assert.Equal(2, successor.Lease!.Epoch);
        Assert.Equal(successor.Lease, await store.GetControllerAsync(Ct));
    }

    [Fact]
    public async Task AStaleExpectedPartitionEpochIsAConflictAndWritesNothing()
    {
        var store = await CreateStoreAsync();
        await CreateTopicAsync(store, "orders");
        var token = await BecomeControllerAsync(store);
        Assert.Equal(WriteOutcome.Written, await store.WritePartitionStatesAsync(token, [(State("orders", 0), null)], Ct));

        Assert.Equal(WriteOutcome.Conflict, await store.WritePartitionStatesAsync(token, [(State("orders", 1), null), (State("orders", 0, partitionEpoch: 1), null)], Ct));
        Assert.Equal(WriteOutcome.Conflict, await store.WritePartitionStatesAsync(token, [(State("orders", 0, partitionEpoch: 6), 5)], Ct));
        Assert.Null(await store.GetPartitionStateAsync("orders", 1, Ct));

        Assert.Equal(WriteOutcome.Written, await store.WritePartitionStatesAsync(token, [(State("orders", 0, leader: 2, leaderEpoch: 1, partitionEpoch: 1), 0)], Ct));
        var read = await store.GetPartitionStateAsync("orders", 0, Ct);
        Assert.NotNull(read);
        Assert.Equal(2, read.Leader);
        Assert.Equal(1, read.LeaderEpoch);
        Assert.Equal(1, read.PartitionEpoch);
        Assert.Equal([1, 2, 3], read.Replicas);
        Assert.Equal([1, 2, 3], read.Isr);
    }

    [Fact]
    public async Task WritingAPartitionOfAMissingTopicIsAConflict()
    {
        var store = await CreateStoreAsync();
        var token = await BecomeControllerAsync(store);

        Assert.Equal(WriteOutcome.Conflict, await store.WritePartitionStatesAsync(token, [(State("nowhere", 0), null)], Ct));
        Assert.Empty(await store.ListPartitionStatesAsync(Ct));
    }

    [Fact]
    public async Task AlterPartitionChangesOnlyTheIsrOfTheCurrentLeaderAtTheExpectedEpoch()
    {
        var store = await CreateStoreAsync();
        await CreateTopicAsync(store, "orders");
        var token = await BecomeControllerAsync(store);
        Assert.Equal(WriteOutcome.Written, await store.WritePartitionStatesAsync(token, [(State("orders", 0, leader: 1, leaderEpoch: 3, partitionEpoch: 4), null)], Ct));

        var shrunk = await store.AlterPartitionAsync(State("orders", 0, leader: 1, leaderEpoch: 3, isr: [1, 2], partitionEpoch: 99), 4, Ct);

        Assert.Equal(AlterPartitionStatus.Altered, shrunk.Status);
        Assert.Equal(5, shrunk.State!.PartitionEpoch);
        Assert.Equal([1, 2], shrunk.State.Isr);
        var read = await store.GetPartitionStateAsync("orders", 0, Ct);
        Assert.Equal(5, read!.PartitionEpoch);
        Assert.Equal([1, 2], read.Isr);
        Assert.Equal(3, read.LeaderEpoch);
    }

    [Fact]
    public async Task ReassignmentFieldsRoundTripSurviveAlterPartitionAndClearWhenTheControllerDropsThem()
    {
        var store = await CreateStoreAsync();
        await CreateTopicAsync(store, "moving");
        var token = await BecomeControllerAsync(store);
        var reassigning = new PartitionState("moving", 0, [1, 2, 3, 4], 1, 0, [1, 2, 3], 0, AddingReplicas: [4], RemovingReplicas: [1]);
        Assert.Equal(WriteOutcome.Written, await store.WritePartitionStatesAsync(token, [(reassigning, null)], Ct));

        var read = await (await OpenSameStoreAsync(store)).GetPartitionStateAsync("moving", 0, Ct);
        Assert.Equal([4], read!.AddingReplicas);
        Assert.Equal([1], read.RemovingReplicas);
        Assert.True(read.IsReassigning);

        // The leader's ISR change must not lose the controller's reassignment.
        var altered = await store.AlterPartitionAsync(read with { Isr = [1, 2, 3, 4], AddingReplicas = null }, 0, Ct);
        Assert.Equal(AlterPartitionStatus.Altered, altered.Status);
        Assert.Equal([4], altered.State!.AddingReplicas);
        read = (await store.ListPartitionStatesAsync(Ct)).Single();
        Assert.Equal([4], read.AddingReplicas);
        Assert.Equal([1], read.RemovingReplicas);

        var finished = read with { Replicas = [2, 3, 4], Leader = 2, LeaderEpoch = 1, Isr = [2, 3, 4], PartitionEpoch = 2, AddingReplicas = null, RemovingReplicas = [] };
        Assert.Equal(WriteOutcome.Written, await store.WritePartitionStatesAsync(token, [(finished, 1)], Ct));
        read = await store.GetPartitionStateAsync("moving", 0, Ct);
        Assert.Null(read!.AddingReplicas);
        Assert.Null(read.RemovingReplicas);
        Assert.False(read.IsReassigning);
    }

    [Fact]
    public async Task ReassignmentFieldsOutsideTheReplicasOrOverlappingAreRejected()
    {
        var store = await CreateStoreAsync();
        await CreateTopicAsync(store, "bad");
        var token = await BecomeControllerAsync(store);
        var state = State("bad", 0);

        await Assert.ThrowsAsync<ArgumentException>(() => store.WritePartitionStatesAsync(token, [(state with { AddingReplicas = [9] }, null)], Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => store.WritePartitionStatesAsync(token, [(state with { AddingReplicas = [3], RemovingReplicas = [3] }, null)], Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => store.WritePartitionStatesAsync(token, [(state with { RemovingReplicas = [1, 1] }, null)], Ct));
        Assert.Empty(await store.ListPartitionStatesAsync(Ct));
    }

    [Fact]
    public async Task AlterPartitionFromADeposedLeaderOrAtAStaleEpochIsRefused()
    {
        var store = await CreateStoreAsync();
        await CreateTopicAsync(store, "orders");
        var token = await BecomeControllerAsync(store);
        Assert.Equal(WriteOutcome.Written, await store.WritePartitionStatesAsync(token, [(State("orders", 0, leader: 1, leaderEpoch: 3), null)], Ct));
        var version = await Metadata(store).GetVersionAsync(Ct);

        var olderEpoch = await store.AlterPartitionAsync(State("orders", 0, leader: 1, leaderEpoch: 2, isr: [1]), 0, Ct);
        var otherLeader = await store.AlterPartitionAsync(State("orders", 0, leader: 2, leaderEpoch: 3, isr: [2]), 0, Ct);
        var staleEpoch = await store.AlterPartitionAsync(State("orders", 0, leader: 1, leaderEpoch: 3, isr: [1]), 7, Ct);
        var newReplicas = await store.AlterPartitionAsync(new PartitionState("orders", 0, [1, 2], 1, 3, [1], 0), 0, Ct);
        var unknown = await store.AlterPartitionAsync(State("orders", 9, leader: 1, leaderEpoch: 3), 0, Ct);

        Assert.Equal(AlterPartitionStatus.FencedLeaderEpoch, olderEpoch.Status);
        Assert.Equal(AlterPartitionStatus.FencedLeaderEpoch, otherLeader.Status);
        Assert.Equal(AlterPartitionStatus.InvalidUpdateVersion, staleEpoch.Status);
        Assert.Equal(AlterPartitionStatus.InvalidRequest, newReplicas.Status);
        Assert.Equal(AlterPartitionStatus.UnknownTopicOrPartition, unknown.Status);
        Assert.Null(unknown.State);
        Assert.Equal(3, olderEpoch.State!.LeaderEpoch);
        Assert.Equal(version, await Metadata(store).GetVersionAsync(Ct));
        Assert.Equal([1, 2, 3], (await store.GetPartitionStateAsync("orders", 0, Ct))!.Isr);
    }

    [Fact]
    public async Task VersionGrowsOnEverySuccessfulWriteAndNotOnRenewalsOrFailedWrites()
    {
        var store = await CreateStoreAsync();
        var metadata = Metadata(store);
        await CreateTopicAsync(store, "orders");
        var incarnation = Guid.NewGuid();
        var v0 = await metadata.GetVersionAsync(Ct);

        var token = (await store.TryClaimControllerAsync(1, incarnation, LeaseDuration, Ct)).Token!;
        Assert.Equal(v0 + 1, await metadata.GetVersionAsync(Ct));
        await store.TryClaimControllerAsync(1, incarnation, LeaseDuration, Ct);
        Assert.Equal(v0 + 1, await metadata.GetVersionAsync(Ct));
        Assert.Equal(WriteOutcome.Written, await store.WritePartitionStatesAsync(token, [(State("orders", 0), null)], Ct));
        Assert.Equal(v0 + 2, await metadata.GetVersionAsync(Ct));
        Assert.Equal(WriteOutcome.Conflict, await store.WritePartitionStatesAsync(token, [(State("orders", 0), null)], Ct));
        Assert.Equal(v0 + 2, await metadata.GetVersionAsync(Ct));
        Assert.Equal(AlterPartitionStatus.Altered, (await store.AlterPartitionAsync(State("orders", 0, isr: [1]), 0, Ct)).Status);
        Assert.Equal(v0 + 3, await metadata.GetVersionAsync(Ct));
        Assert.Equal(AlterPartitionStatus.InvalidUpdateVersion, (await store.AlterPartitionAsync(State("orders", 0, isr: [1, 2]), 0, Ct)).Status);
        Assert.Equal(v0 + 3, await metadata.GetVersionAsync(Ct));
    }

    [Fact]
    public async Task DeletingATopicRemovesItsPartitionStatesAndARecreatedNameStartsEmpty()
    {
        var store = await CreateStoreAsync();
        await CreateTopicAsync(store, "orders");
        await CreateTopicAsync(store, "orders2");
        var token = await BecomeControllerAsync(store);
        Assert.Equal(WriteOutcome.Written, await store.WritePartitionStatesAsync(token, [(State("orders", 0), null), (State("orders", 1), null), (State("orders2", 0), null)], Ct));

        Assert.True(await Metadata(store).DeleteTopicAsync("orders", null, Ct));

        Assert.Null(await store.GetPartitionStateAsync("orders", 0, Ct));
        Assert.Equal([("orders2", 0)], (await store.ListPartitionStatesAsync(Ct)).Select(s => (s.Topic, s.Partition)));
        await CreateTopicAsync(store, "orders");
        Assert.Null(await store.GetPartitionStateAsync("orders", 1, Ct));
        Assert.Equal(WriteOutcome.Written, await store.WritePartitionStatesAsync(token, [(State("orders", 1, leaderEpoch: 5), null)], Ct));
        Assert.Equal(5, (await store.GetPartitionStateAsync("orders", 1, Ct))!.LeaderEpoch);
    }

    [Fact]
    public async Task DeletingATopicWithMorePartitionsThanOneTransactionHoldsRemovesThemAll()
    {
        var store = await CreateStoreAsync();
        await CreateTopicAsync(store, "wide", partitions: 250);
        var token = await BecomeControllerAsync(store);
        Assert.Equal(WriteOutcome.Written, await store.WritePartitionStatesAsync(token, [.. Enumerable.Range(0, 250).Select(p => (State("wide", p), (int?)null))], Ct));

        Assert.True(await Metadata(store).DeleteTopicAsync("wide", null, Ct));

        Assert.Empty(await store.ListPartitionStatesAsync(Ct));
        await CreateTopicAsync(store, "wide", partitions: 250);
        Assert.Empty(await store.ListPartitionStatesAsync(Ct));
        Assert.Null(await store.GetPartitionStateAsync("wide", 249, Ct));
    }

    [Fact]
    public async Task ListingThreeHundredPartitionStatesWrittenInSeveralTransactionsIsComplete()
    {
        var store = await CreateStoreAsync();
        await CreateTopicAsync(store, "big", partitions: 200);
        await CreateTopicAsync(store, "alpha", partitions: 100);
        var token = await BecomeControllerAsync(store);
        var version = await Metadata(store).GetVersionAsync(Ct);
        var changes = Enumerable.Range(0, 200).Select(p => (State("big", p), (int?)null))
            .Concat(Enumerable.Range(0, 100).Select(p => (State("alpha", p), (int?)null)))
            .ToList();

        Assert.Equal(WriteOutcome.Written, await store.WritePartitionStatesAsync(token, changes, Ct));

        var listed = await store.ListPartitionStatesAsync(Ct);
        var expected = Enumerable.Range(0, 100).Select(p => ("alpha", p)).Concat(Enumerable.Range(0, 200).Select(p => ("big", p)));
        Assert.Equal(expected, listed.Select(s => (s.Topic, s.Partition)));
        var transactions = (300 + IControllerStore.MaxPartitionsPerTransaction - 1) / IControllerStore.MaxPartitionsPerTransaction;
        Assert.Equal(version + transactions, await Metadata(store).GetVersionAsync(Ct));
    }

    [Fact]
    public async Task InvalidPartitionStatesAreRejected()
    {
        var store = await CreateStoreAsync();
        await CreateTopicAsync(store, "orders");
        var token = await BecomeControllerAsync(store);

        await Assert.ThrowsAsync<ArgumentException>(() => store.WritePartitionStatesAsync(token, [(State("orders", 0, leader: 9), null)], Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => store.WritePartitionStatesAsync(token, [(State("orders", 0, isr: [1, 4]), null)], Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => store.WritePartitionStatesAsync(token, [(State("orders", 0), null), (State("orders", 0), null)], Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.WritePartitionStatesAsync(token, [(State("orders", -1), null)], Ct));
        Assert.Equal(WriteOutcome.Written, await store.WritePartitionStatesAsync(token, [(State("orders", 0, leader: PartitionState.NoLeader, isr: []), null)], Ct));
    }

    [Fact]
    public async Task OfTwoConcurrentIsrChangesAtTheSamePartitionEpochExactlyOneIsAltered()
    {
        var store = await CreateStoreAsync();
        var other = await OpenSameStoreAsync(store);
        await CreateTopicAsync(store, "orders");
        var token = await BecomeControllerAsync(store);
        Assert.Equal(WriteOutcome.Written, await store.WritePartitionStatesAsync(token, [(State("orders", 0), null)], Ct));

        var outcomes = await Task.WhenAll(
            Task.Run(() => store.AlterPartitionAsync(State("orders", 0, isr: [1, 2]), 0, Ct)),
            Task.Run(() => other.AlterPartitionAsync(State("orders", 0, isr: [1, 3]), 0, Ct)));

        var altered = Assert.Single(outcomes, o => o.Status == AlterPartitionStatus.Altered);
        Assert.Equal(AlterPartitionStatus.InvalidUpdateVersion, Assert.Single(outcomes, o => o != altered).Status);
        var read = await store.GetPartitionStateAsync("orders", 0, Ct);
        Assert.Equal(altered.State!.Isr, read!.Isr);
        Assert.Equal(1, read.PartitionEpoch);
    }

    [Fact]
    public async Task TheHoldersRenewalRacingItsOwnWritesNeverFencesThem()
    {
        var store = await CreateStoreAsync();
        await CreateTopicAsync(store, "orders", partitions: 20);
        var incarnation = Guid.NewGuid();
        var token = (await store.TryClaimControllerAsync(1, incarnation, LeaseDuration, Ct)).Token!;

        var writes = Task.Run(async () =>
        {
            var outcomes = new List<WriteOutcome>();
            for (var p = 0; p < 20; p++)
                outcomes.Add(await store.WritePartitionStatesAsync(token, [(State("orders", p), null)], Ct));
            return outcomes;
        });
        var renewals = Task.Run(async () =>
        {
            var claims = new List<ControllerClaim>();
            for (var i = 0; i < 20; i++)
                claims.Add(await store.TryClaimControllerAsync(1, incarnation, LeaseDuration, Ct));
            return claims;
        });

        Assert.All(await writes, o => Assert.Equal(WriteOutcome.Written, o));
        Assert.All(await renewals, c => Assert.True(c.IsController));
        Assert.Equal(20, (await store.ListPartitionStatesAsync(Ct)).Count);
        Assert.Equal(1, (await store.GetControllerAsync(Ct))!.Epoch);
    }

    [Fact]
    public async Task ListingWhileTheControllerChurnsNeverShowsATornSnapshot()
    {
        var store = await CreateStoreAsync();
        var reader = await OpenSameStoreAsync(store);
        await CreateTopicAsync(store, "wide", partitions: 120);
        var token = await BecomeControllerAsync(store);
        Assert.Equal(WriteOutcome.Written, await store.WritePartitionStatesAsync(token, [.. Enumerable.Range(0, 120).Select(p => (State("wide", p), (int?)null))], Ct));

        // Each write moves the first and the last partition to the same new leader epoch in one
        // transaction; a listing that mixed two versions would show them apart.
        var writer = Task.Run(async () =>
        {
            for (var epoch = 1; epoch <= 15; epoch++)
            {
                var outcome = await store.WritePartitionStatesAsync(
                    token,
                    [(State("wide", 0, leaderEpoch: epoch, partitionEpoch: epoch), epoch - 1), (State("wide", 119, leaderEpoch: epoch, partitionEpoch: epoch), epoch - 1)],
                    Ct);
                Assert.Equal(WriteOutcome.Written, outcome);
            }
        });
        var listings = 0;
        while (!writer.IsCompleted || listings == 0)
        {
            var listed = await reader.ListPartitionStatesAsync(Ct);
            Assert.Equal(120, listed.Count);
            Assert.Equal(listed[0].LeaderEpoch, listed[119].LeaderEpoch);
            listings++;
        }

        await writer;
        Assert.Equal(15, (await reader.GetPartitionStateAsync("wide", 119, Ct))!.LeaderEpoch);
    }
}
