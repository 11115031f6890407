using Fjord.Groups;
using Fjord.Protocol;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fjord.Broker.Tests.Groups;

public sealed class OffsetTests
{
    private const string Group = "offsets";

    private static OffsetCommitEntry Entry(long offset, string topic = "orders", int partition = 0, string? metadata = "m") =>
        new(topic, partition, offset, LeaderEpoch: 3, metadata);

    [Fact]
    public async Task MembersOfTheCurrentGenerationCommitAndFetchOffsetsWithMetadataAndLeaderEpoch()
    {
        await using var h = new GroupHarness();
        var m = (await h.FormGroup(Group, GroupHarness.JoinCommand(Group)))[0];

        var commit = await h.Coordinator.CommitOffsetsAsync(Group, m.GenerationId, m.MemberId, null, [Entry(42), Entry(7, partition: 1, metadata: null)], default);
        var fetched = await h.Coordinator.FetchOffsetsAsync(Group, [("orders", 0), ("orders", 1), ("orders", 2)], default);

        Assert.All(commit.Partitions, p => Assert.Equal(ErrorCode.None, p.Error));
        Assert.Equal(
            [new FetchedOffset("orders", 0, 42, 3, "m"), new FetchedOffset("orders", 1, 7, 3, ""), new FetchedOffset("orders", 2, -1, -1, "")],
            fetched.Partitions);
        Assert.Equal(2, (await h.Store.FetchAsync(Group, default)).Count);
    }

    [Fact]
    public async Task CommitsFromAStaleGenerationAnUnknownMemberOrDuringCompletingRebalanceGetKafkasErrors()
    {
        await using var h = new GroupHarness();
        var members = await h.FormGroup(Group, GroupHarness.JoinCommand(Group), GroupHarness.JoinCommand(Group));
        var m = members[0];

        var stale = await h.Coordinator.CommitOffsetsAsync(Group, m.GenerationId - 1, m.MemberId, null, [Entry(1)], default);
        var unknown = await h.Coordinator.CommitOffsetsAsync(Group, m.GenerationId, "never-issued", null, [Entry(1)], default);

        Assert.Equal(ErrorCode.IllegalGeneration, stale.Partitions.Single().Error);
        Assert.Equal(ErrorCode.UnknownMemberId, unknown.Partitions.Single().Error);

        // PreparingRebalance: the current generation may still commit (it learns of the rebalance by heartbeat).
        var rejoins = members.Select(x => h.Join(GroupHarness.JoinCommand(Group, x.MemberId, protocols: [("range", [9])]))).ToArray();
        var results = await GroupHarness.Done(Task.WhenAll(rejoins));
        Assert.Equal(GroupState.CompletingRebalance, await h.StateOf(Group));

        var completing = await h.Coordinator.CommitOffsetsAsync(Group, results[0].GenerationId, results[0].MemberId, null, [Entry(1)], default);
        var oldGeneration = await h.Coordinator.CommitOffsetsAsync(Group, m.GenerationId, m.MemberId, null, [Entry(1)], default);

        Assert.Equal(ErrorCode.RebalanceInProgress, completing.Partitions.Single().Error);
        Assert.Equal(ErrorCode.IllegalGeneration, oldGeneration.Partitions.Single().Error);
        Assert.Equal(-1, (await h.Coordinator.FetchOffsetsAsync(Group, [("orders", 0)], default)).Partitions.Single().Offset);
    }

    [Fact]
    public async Task ACommitDuringPreparingRebalanceFromTheCurrentGenerationIsAccepted()
    {
        await using var h = new GroupHarness();
        var members = await h.FormGroup(Group, GroupHarness.JoinCommand(Group), GroupHarness.JoinCommand(Group));
        _ = h.Join(GroupHarness.JoinCommand(Group));
        Assert.Equal(GroupState.PreparingRebalance, await h.StateOf(Group));

        var commit = await h.Coordinator.CommitOffsetsAsync(Group, members[1].GenerationId, members[1].MemberId, null, [Entry(5)], default);

        Assert.Equal(ErrorCode.None, commit.Partitions.Single().Error);
    }

    [Fact]
    public async Task SimpleCommitWorksOnAnEmptyGroupButNotOnAGroupWithMembers()
    {
        await using var h = new GroupHarness();

        var simple = await h.Coordinator.CommitOffsetsAsync(Group, -1, "", null, [Entry(10)], default);
        Assert.Equal(ErrorCode.None, simple.Partitions.Single().Error);
        Assert.Equal(10, (await h.Coordinator.FetchOffsetsAsync(Group, null, default)).Partitions.Single().Offset);

        var m = (await h.FormGroup(Group, GroupHarness.JoinCommand(Group)))[0];
        var noMember = await h.Coordinator.CommitOffsetsAsync(Group, -1, "", null, [Entry(11)], default);
        var memberNoGeneration = await h.Coordinator.CommitOffsetsAsync(Group, -1, m.MemberId, null, [Entry(11)], default);

        Assert.Equal(ErrorCode.UnknownMemberId, noMember.Partitions.Single().Error);
        Assert.Equal(ErrorCode.IllegalGeneration, memberNoGeneration.Partitions.Single().Error);
    }

    [Fact]
    public async Task CommitToAnUnknownGroupWithAGenerationIsIllegalGeneration()
    {
        await using var h = new GroupHarness();

        var commit = await h.Coordinator.CommitOffsetsAsync("nobody", 3, "m-1", null, [Entry(1)], default);

        Assert.Equal(ErrorCode.IllegalGeneration, commit.Partitions.Single().Error);
        Assert.Equal(GroupState.Dead, await h.StateOf("nobody"));
    }

    [Fact]
    public async Task MetadataLongerThanTheLimitFailsOnlyThatPartition()
    {
        await using var h = new GroupHarness(new GroupCoordinatorConfig { OffsetMetadataMaxBytes = 8 });

        var commit = await h.Coordinator.CommitOffsetsAsync(Group, -1, "", null, [Entry(1, metadata: "123456789"), Entry(2, partition: 1, metadata: "12345678")], default);

        Assert.Equal([ErrorCode.OffsetMetadataTooLarge, ErrorCode.None], commit.Partitions.Select(p => p.Error));
        Assert.Equal([-1L, 2L], (await h.Coordinator.FetchOffsetsAsync(Group, [("orders", 0), ("orders", 1)], default)).Partitions.Select(p => p.Offset));
    }

    [Fact]
    public async Task ANewCoordinatorOnTheSameStoreSeesTheCommitsAndTheStoredGeneration()
    {
        JoinGroupResult member;
        var store = new Fjord.Cluster.InMemoryOffsetStore();
        await using (var first = new GroupHarness(store: store))
        {
            member = (await first.FormGroup(Group, GroupHarness.JoinCommand(Group)))[0];
            await first.Coordinator.CommitOffsetsAsync(Group, member.GenerationId, member.MemberId, null, [Entry(99)], default);
        }

        await using var second = new GroupHarness(store: store);
        var fetched = await second.Coordinator.FetchOffsetsAsync(Group, null, default);
        var described = await second.Coordinator.DescribeGroupAsync(Group, default);
        var staleHeartbeat = second.Coordinator.Heartbeat(Group, member.GenerationId, member.MemberId, null);
        var rejoin = await second.FormGroup(Group, GroupHarness.JoinCommand(Group));

        Assert.Equal(99, fetched.Partitions.Single().Offset);
        Assert.Equal(GroupState.Empty, described.State);
        Assert.Equal("consumer", described.ProtocolType);
        Assert.Equal(ErrorCode.UnknownMemberId, staleHeartbeat);
        Assert.Equal(member.GenerationId + 1, rejoin[0].GenerationId);
    }

    [Fact]
    public async Task OffsetsOfAnEmptyGroupExpireAfterTheRetentionButThoseOfAStableGroupDoNot()
    {
        await using var h = new GroupHarness(new GroupCoordinatorConfig { GroupInitialRebalanceDelayMs = GroupHarness.InitialDelayMs, OffsetsRetentionMinutes = 1 });
        var emptied = (await h.FormGroup("emptied", GroupHarness.JoinCommand("emptied")))[0];
        var stable = (await h.FormGroup("stable", GroupHarness.JoinCommand("stable")))[0];
        await h.Coordinator.CommitOffsetsAsync("emptied", emptied.GenerationId, emptied.MemberId, null, [Entry(1)], default);
        await h.Coordinator.CommitOffsetsAsync("stable", stable.GenerationId, stable.MemberId, null, [Entry(2)], default);
        h.Coordinator.LeaveGroup("emptied", [(emptied.MemberId, null)]);

        // The stable member heartbeats every 5 s while a minute passes; the emptied group expires at exactly one minute.
        for (var i = 0; i < 12; i++)
        {
            Assert.Equal(0, await h.Coordinator.ExpireOffsetsAsync(default));
            h.Time.Advance(TimeSpan.FromSeconds(5));
            Assert.Equal(ErrorCode.None, h.Coordinator.Heartbeat("stable", stable.GenerationId, stable.MemberId, null));
        }

        Assert.Equal(1, await h.Coordinator.ExpireOffsetsAsync(default));
        Assert.Equal(-1, (await h.Coordinator.FetchOffsetsAsync("emptied", [("orders", 0)], default)).Partitions.Single().Offset);
        Assert.Equal(GroupState.Dead, await h.StateOf("emptied"));
        Assert.Empty(await h.Store.FetchAsync("emptied", default));
        Assert.Equal(2, (await h.Coordinator.FetchOffsetsAsync("stable", [("orders", 0)], default)).Partitions.Single().Offset);
    }

    [Fact]
    public async Task TheExpiryTimerRunsTheJobEveryCheckInterval()
    {
        var config = new GroupCoordinatorConfig { OffsetsRetentionMinutes = 1, OffsetsRetentionCheckIntervalMs = 10_000 };
        await using var h = new GroupHarness(config);
        await h.Coordinator.StartAsync(default);
        var start = h.Time.GetUtcNow();
        await h.Coordinator.CommitOffsetsAsync(Group, -1, "", null, [Entry(1)], default);

        // Each check interval fires the job (a run still in progress makes the next tick skip), so keep ticking until it lands.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await h.Store.FetchAsync(Group, default)).Count != 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the expiry timer never removed the offsets");
            h.Time.Advance(TimeSpan.FromMilliseconds(config.OffsetsRetentionCheckIntervalMs));
            await Task.Delay(5);
        }

        Assert.True(h.Time.GetUtcNow() - start >= TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task OffsetDeleteRefusesTopicsTheMembersSubscribeToAndDeletesTheRest()
    {
        await using var h = new GroupHarness();
        var m = (await h.FormGroup(Group, GroupHarness.JoinCommand(Group, protocols: [("range", GroupHarness.Subscription("orders", "payments"))])))[0];
        await h.Coordinator.CommitOffsetsAsync(Group, m.GenerationId, m.MemberId, null, [Entry(1), Entry(2, topic: "old")], default);

        var delete = await h.Coordinator.DeleteOffsetsAsync(Group, [("orders", 0), ("old", 0)], default);

        Assert.Equal(ErrorCode.None, delete.Error);
        Assert.Equal([ErrorCode.GroupSubscribedToTopic, ErrorCode.None], delete.Partitions.Select(p => p.Error));
        Assert.Equal([1L, -1L], (await h.Coordinator.FetchOffsetsAsync(Group, [("orders", 0), ("old", 0)], default)).Partitions.Select(p => p.Offset));
    }

    [Fact]
    public async Task OffsetDeleteTreatsAnUnreadableSubscriptionAsSubscribedToEverything()
    {
        await using var h = new GroupHarness();
        var m = (await h.FormGroup(Group, GroupHarness.JoinCommand(Group, protocols: [("range", [0xFF, 0xFF, 1])])))[0];
        await h.Coordinator.CommitOffsetsAsync(Group, m.GenerationId, m.MemberId, null, [Entry(1, topic: "old")], default);

        var delete = await h.Coordinator.DeleteOffsetsAsync(Group, [("old", 0)], default);

        Assert.Equal(ErrorCode.GroupSubscribedToTopic, delete.Partitions.Single().Error);
    }

    [Fact]
    public async Task OffsetDeleteOnAnUnknownGroupIsGroupIdNotFound()
    {
        await using var h = new GroupHarness();

        var delete = await h.Coordinator.DeleteOffsetsAsync("nobody", [("orders", 0)], default);

        Assert.Equal(ErrorCode.GroupIdNotFound, delete.Error);
    }

    [Fact]
    public void PartitionForIsKafkasAbsOfJavaStringHashCodeModuloPartitionCount()
    {
        // Java: "a".hashCode() == 97; "my-group".hashCode() == -1906497762 (Utils.abs gives 1906497762, not the
        // 0x7fffffff mask); "polygenelubricants".hashCode() == Integer.MIN_VALUE, which Kafka's abs maps to 0.
        Assert.Equal(47, GroupCoordinator.PartitionFor("a", 50));
        Assert.Equal(12, GroupCoordinator.PartitionFor("my-group", 50));
        Assert.Equal(0, GroupCoordinator.PartitionFor("polygenelubricants", 50));
        Assert.Equal(0, GroupCoordinator.PartitionFor("", 50));
    }

    [Fact]
    public async Task StoreFailureOnCommitIsReportedAndNothingIsCached()
    {
        var store = new FailingStore();
        await using var coordinator = new GroupCoordinator(new GroupCoordinatorConfig(), store, TimeProvider.System, NullLogger<GroupCoordinator>.Instance);

        var commit = await coordinator.CommitOffsetsAsync(Group, -1, "", null, [Entry(1)], default);

        Assert.Equal(ErrorCode.CoordinatorNotAvailable, commit.Partitions.Single().Error);
        Assert.Equal(-1, (await coordinator.FetchOffsetsAsync(Group, [("orders", 0)], default)).Partitions.Single().Offset);
    }

    private sealed class FailingStore : Fjord.Cluster.IOffsetStore
    {
        private readonly Fjord.Cluster.InMemoryOffsetStore _inner = new();

        public Task CommitAsync(string groupId, IReadOnlyList<Fjord.Cluster.CommittedOffset> offsets, CancellationToken ct) =>
            throw new IOException("table storage unreachable");

        public Task<IReadOnlyList<Fjord.Cluster.CommittedOffset>> FetchAsync(string groupId, CancellationToken ct) => _inner.FetchAsync(groupId, ct);

        public Task DeleteOffsetsAsync(string groupId, IReadOnlyList<(string Topic, int Partition)> partitions, CancellationToken ct) =>
            _inner.DeleteOffsetsAsync(groupId, partitions, ct);

        public Task DeleteGroupAsync(string groupId, CancellationToken ct) => _inner.DeleteGroupAsync(groupId, ct);

        public Task SaveGroupAsync(Fjord.Cluster.GroupRecord group, CancellationToken ct) => _inner.SaveGroupAsync(group, ct);

        public Task<Fjord.Cluster.GroupRecord?> LoadGroupAsync(string groupId, CancellationToken ct) => _inner.LoadGroupAsync(groupId, ct);

        public Task<IReadOnlyList<string>> ListGroupIdsAsync(CancellationToken ct) => _inner.ListGroupIdsAsync(ct);

        public Task StagePendingAsync(string groupId, int offsetsPartition, long producerId, IReadOnlyList<Fjord.Cluster.CommittedOffset> offsets, CancellationToken ct) =>
            _inner.StagePendingAsync(groupId, offsetsPartition, producerId, offsets, ct);

        public Task<IReadOnlyList<Fjord.Cluster.PendingOffset>> FetchPendingAsync(string groupId, CancellationToken ct) => _inner.FetchPendingAsync(groupId, ct);

        public Task<IReadOnlyList<string>> PendingGroupsAsync(int offsetsPartition, long producerId, CancellationToken ct) =>
            _inner.PendingGroupsAsync(offsetsPartition, producerId, ct);

        public Task<IReadOnlyList<Fjord.Cluster.CommittedOffset>> CompletePendingAsync(string groupId, int offsetsPartition, long producerId, bool commit, CancellationToken ct) =>
            _inner.CompletePendingAsync(groupId, offsetsPartition, producerId, commit, ct);
    }
}
