using Fjord.Cluster;

namespace Fjord.Cluster.Tests;

/// <summary>
/// The behaviour every <see cref="IOffsetStore"/> must have, run against the in-memory fake and
/// against Table storage on Azurite.
/// </summary>
public abstract partial class OffsetStoreContractTests
{
    // xunit creates a class instance per test, so this bounds each test on its own.
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(3));

    protected static readonly DateTimeOffset CommitTime = new(2026, 3, 1, 12, 30, 15, 123, TimeSpan.Zero);

    protected CancellationToken Ct => _timeout.Token;

    /// <summary>A fresh, empty store no other test sees.</summary>
    protected abstract Task<IOffsetStore> CreateStoreAsync();

    protected static CommittedOffset Offset(string topic, int partition, long offset, int leaderEpoch = 3, string? metadata = "m") =>
        new(topic, partition, offset, leaderEpoch, metadata, CommitTime);

    protected static GroupRecord Group(string groupId, int generation = 1, int members = 2) =>
        new(
            groupId,
            "consumer",
            generation,
            "range",
            "member-0",
            CommitTime,
            [.. Enumerable.Range(0, members).Select(i => new GroupMemberRecord(
                $"member-{i}",
                i == 0 ? "instance-0" : null,
                "client",
                "/127.0.0.1",
                60_000,
                45_000,
                [0, 1, (byte)i, 255],
                [(byte)i, 0, 0, 7]))]);

    [Fact]
    public async Task CommittedOffsetsRoundTripWithNullMetadataAndLeaderEpoch()
    {
        var store = await CreateStoreAsync();
        CommittedOffset[] offsets =
        [
            Offset("orders", 0, 42, leaderEpoch: 7, metadata: "consumer-state"),
            Offset("orders", 1, 0, leaderEpoch: -1, metadata: null),
            Offset("payments", 5, long.MaxValue - 1, leaderEpoch: int.MaxValue, metadata: ""),
        ];

        await store.CommitAsync("g1", offsets, Ct);

        Assert.Equal(offsets, await store.FetchAsync("g1", Ct));
    }

    [Fact]
    public async Task FetchOfAnUnknownGroupIsEmpty()
    {
        var store = await CreateStoreAsync();

        Assert.Empty(await store.FetchAsync("nobody", Ct));
        Assert.Null(await store.LoadGroupAsync("nobody", Ct));
        Assert.Empty(await store.ListGroupIdsAsync(Ct));
    }

    [Fact]
    public async Task ACommitOverwritesThePreviousOffsetOfAPartition()
    {
        var store = await CreateStoreAsync();
        await store.CommitAsync("g", [Offset("t", 0, 10, metadata: "old"), Offset("t", 1, 11)], Ct);

        await store.CommitAsync("g", [Offset("t", 0, 20, leaderEpoch: 4, metadata: null)], Ct);

        Assert.Equal([Offset("t", 0, 20, leaderEpoch: 4, metadata: null), Offset("t", 1, 11)], await store.FetchAsync("g", Ct));
    }

    [Fact]
    public async Task APartitionNamedTwiceInOneCommitKeepsTheLastOffset()
    {
        var store = await CreateStoreAsync();

        await store.CommitAsync("g", [Offset("t", 0, 1), Offset("t", 1, 5), Offset("t", 0, 2)], Ct);

        Assert.Equal([Offset("t", 0, 2), Offset("t", 1, 5)], await store.FetchAsync("g", Ct));
    }

    [Fact]
    public async Task ACommitOf250PartitionsLandsWhole()
    {
        var store = await CreateStoreAsync();
        var offsets = Enumerable.Range(0, 250).Select(p => Offset(p % 2 == 0 ? "even" : "odd", p, 1000 + p)).ToList();

        await store.CommitAsync("big", offsets, Ct);

        var fetched = await store.FetchAsync("big", Ct);
        Assert.Equal(250, fetched.Count);
        Assert.Equal(offsets.OrderBy(o => o.Topic, StringComparer.Ordinal).ThenBy(o => o.Partition), fetched);
    }

    [Fact]
    public async Task DeletedOffsetsAreGoneAndTheOthersStay()
    {
        var store = await CreateStoreAsync();
        await store.CommitAsync("g", [.. Enumerable.Range(0, 5).Select(p => Offset("t", p, p)), Offset("u", 0, 9)], Ct);

        // Includes a partition that never had an offset: deleting it is not an error.
        await store.DeleteOffsetsAsync("g", [("t", 1), ("t", 3), ("u", 0), ("never", 0)], Ct);

        Assert.Equal([Offset("t", 0, 0), Offset("t", 2, 2), Offset("t", 4, 4)], await store.FetchAsync("g", Ct));
        Assert.Equal(["g"], await store.ListGroupIdsAsync(Ct));
    }

    [Fact]
    public async Task DeletingTheLastOffsetOfAGroupWithoutARecordRemovesTheGroup()
    {
        var store = await CreateStoreAsync();
        await store.CommitAsync("g", [Offset("t", 0, 1)], Ct);

        await store.DeleteOffsetsAsync("g", [("t", 0)], Ct);

        Assert.Empty(await store.FetchAsync("g", Ct));
        Assert.Empty(await store.ListGroupIdsAsync(Ct));
    }

    [Fact]
    public async Task AGroupRecordRoundTripsAndIsOverwritten()
    {
        var store = await CreateStoreAsync();
        var first = Group("g", generation: 1, members: 3);
        await store.SaveGroupAsync(first, Ct);

        var loaded = await store.LoadGroupAsync("g", Ct);
        AssertSameGroup(first, loaded);

        var second = Group("g", generation: 2, members: 1) with { ProtocolName = null, LeaderId = null, StateTime = CommitTime.AddMinutes(1) };
        await store.SaveGroupAsync(second, Ct);

        AssertSameGroup(second, await store.LoadGroupAsync("g", Ct));
        Assert.Equal(["g"], await store.ListGroupIdsAsync(Ct));
        Assert.Empty(await store.FetchAsync("g", Ct));
    }

    [Fact]
    public async Task AGroupRecordWithNoMembersRoundTrips()
    {
        var store = await CreateStoreAsync();
        var empty = Group("g", members: 0) with { ProtocolName = null, LeaderId = null };

        await store.SaveGroupAsync(empty, Ct);

        AssertSameGroup(empty, await store.LoadGroupAsync("g", Ct));
    }

    [Fact]
    public async Task AGroupRecordOver64KiBIsRefusedAndNothingIsWritten()
    {
        var store = await CreateStoreAsync();
        var huge = Group("g", members: 1) with
        {
            Members = [new GroupMemberRecord("m", null, "c", "h", 1, 1, new byte[40_000], new byte[40_000])],
        };

        var error = await Assert.ThrowsAsync<GroupRecordTooLargeException>(() => store.SaveGroupAsync(huge, Ct));

        Assert.Equal("g", error.GroupId);
        Assert.True(error.Bytes > OffsetStoreLimits.MaxGroupMembersBytes);
        Assert.Null(await store.LoadGroupAsync("g", Ct));
        Assert.Empty(await store.ListGroupIdsAsync(Ct));
    }

    [Fact]
    public async Task MetadataOverTheKafkaLimitIsRefused()
    {
        var store = await CreateStoreAsync();
        var atLimit = Offset("t", 0, 1, metadata: new string('x', OffsetStoreLimits.MaxMetadataBytes));
        var overLimit = Offset("t", 1, 1, metadata: new string('é', (OffsetStoreLimits.MaxMetadataBytes / 2) + 1));

        await store.CommitAsync("g", [atLimit], Ct);
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.CommitAsync("g", [overLimit], Ct));

        Assert.Equal([atLimit], await store.FetchAsync("g", Ct));
    }

    [Fact]
    public async Task DeletingAGroupRemovesItsOffsetsRecordAndListing()
    {
        var store = await CreateStoreAsync();
        await store.SaveGroupAsync(Group("doomed"), Ct);
        await store.CommitAsync("doomed", [.. Enumerable.Range(0, 130).Select(p => Offset("t", p, p))], Ct);
        await store.CommitAsync("kept", [Offset("t", 0, 5)], Ct);

        await store.DeleteGroupAsync("doomed", Ct);

        Assert.Null(await store.LoadGroupAsync("doomed", Ct));
        Assert.Empty(await store.FetchAsync("doomed", Ct));
        Assert.Equal(["kept"], await store.ListGroupIdsAsync(Ct));
        Assert.Equal([Offset("t", 0, 5)], await store.FetchAsync("kept", Ct));
    }

    [Fact]
    public async Task DeletingAnUnknownGroupIsNotAnError()
    {
        var store = await CreateStoreAsync();

        await store.DeleteGroupAsync("ghost", Ct);

        Assert.Empty(await store.ListGroupIdsAsync(Ct));
    }

    [Fact]
    public async Task ADeletedGroupCanBeUsedAgain()
    {
        var store = await CreateStoreAsync();
        await store.CommitAsync("g", [Offset("t", 0, 1), Offset("t", 1, 1)], Ct);
        await store.DeleteGroupAsync("g", Ct);

        await store.CommitAsync("g", [Offset("t", 1, 2)], Ct);

        Assert.Equal([Offset("t", 1, 2)], await store.FetchAsync("g", Ct));
        Assert.Equal(["g"], await store.ListGroupIdsAsync(Ct));
    }

    [Theory]
    [InlineData("a/b#c?d\\e")]
    [InlineData("grüße-😀-组")]
    [InlineData("~0041 tilde, spaces and !bang")]
    [InlineData("g")]
    [InlineData("🌊")]
    public async Task GroupIdsWithOddCharactersRoundTrip(string groupId)
    {
        var store = await CreateStoreAsync();

        await store.CommitAsync(groupId, [Offset("t", 0, 1)], Ct);
        await store.SaveGroupAsync(Group(groupId), Ct);

        Assert.Equal([Offset("t", 0, 1)], await store.FetchAsync(groupId, Ct));
        AssertSameGroup(Group(groupId), await store.LoadGroupAsync(groupId, Ct));
        Assert.Equal([groupId], await store.ListGroupIdsAsync(Ct));
    }

    [Fact]
    public async Task LongGroupIdsOfOddCharactersRoundTrip()
    {
        var store = await CreateStoreAsync();
        // 200 characters that all need escaping: too long for a key once escaped, so it is hashed.
        var escaped = string.Concat(Enumerable.Repeat("/#?é", 50));
        var plain = new string('p', 200);
        var unicode = string.Concat(Enumerable.Repeat("ø", 200));
        string[] ids = [escaped, plain, unicode, escaped + "x"];

        foreach (var id in ids)
        {
            await store.CommitAsync(id, [Offset("t", 0, id.Length)], Ct);
            await store.SaveGroupAsync(Group(id), Ct);
        }

        foreach (var id in ids)
        {
            Assert.Equal([Offset("t", 0, id.Length)], await store.FetchAsync(id, Ct));
            AssertSameGroup(Group(id), await store.LoadGroupAsync(id, Ct));
        }

        Assert.Equal(ids.Order(StringComparer.Ordinal), await store.ListGroupIdsAsync(Ct));

        await store.DeleteGroupAsync(escaped, Ct);
        Assert.Equal(ids.Where(id => id != escaped).Order(StringComparer.Ordinal), await store.ListGroupIdsAsync(Ct));
        Assert.Equal([Offset("t", 0, escaped.Length + 1)], await store.FetchAsync(escaped + "x", Ct));
    }

    [Fact]
    public async Task CommitsToTwoGroupsAreIsolated()
    {
        var store = await CreateStoreAsync();

        await store.CommitAsync("a", [Offset("t", 0, 1), Offset("t", 1, 1)], Ct);
        await store.CommitAsync("b", [Offset("t", 0, 2)], Ct);
        await store.SaveGroupAsync(Group("a"), Ct);

        Assert.Equal([Offset("t", 0, 1), Offset("t", 1, 1)], await store.FetchAsync("a", Ct));
        Assert.Equal([Offset("t", 0, 2)], await store.FetchAsync("b", Ct));
        Assert.Null(await store.LoadGroupAsync("b", Ct));
        Assert.Equal(["a", "b"], await store.ListGroupIdsAsync(Ct));

        await store.DeleteOffsetsAsync("a", [("t", 0)], Ct);
        Assert.Equal([Offset("t", 0, 2)], await store.FetchAsync("b", Ct));
    }

    [Fact]
    public async Task ConcurrentCommitsToDifferentPartitionsAllLand()
    {
        var store = await CreateStoreAsync();
        using var start = new Barrier(10);

        var writers = Enumerable.Range(0, 10).Select(w => Task.Run(
            async () =>
            {
                start.SignalAndWait(Ct);
                for (var round = 0; round < 5; round++)
                    await store.CommitAsync("busy", [Offset("t", w * 2, round), Offset("t", (w * 2) + 1, round)], Ct);
            },
            Ct));
        await Task.WhenAll(writers);

        var fetched = await store.FetchAsync("busy", Ct);
        Assert.Equal(Enumerable.Range(0, 20).Select(p => Offset("t", p, 4)), fetched);
        Assert.Equal(["busy"], await store.ListGroupIdsAsync(Ct));
    }

    [Fact]
    public async Task ChangingASavedRecordsByteArraysDoesNotChangeTheStore()
    {
        var store = await CreateStoreAsync();
        var group = Group("g");
        await store.SaveGroupAsync(group, Ct);

        group.Members[0].Assignment[0] = 99;
        (await store.LoadGroupAsync("g", Ct))!.Members[0].Subscription[0] = 99;

        AssertSameGroup(Group("g"), await store.LoadGroupAsync("g", Ct));
    }

    [Fact]
    public async Task InvalidArgumentsAreRefused()
    {
        var store = await CreateStoreAsync();

        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.CommitAsync("", [Offset("t", 0, 1)], Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.CommitAsync("g", [Offset("t", -1, 1)], Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.CommitAsync("g", [Offset("", 0, 1)], Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.CommitAsync("g", [Offset("t", 0, 1) with { CommitTime = DateTimeOffset.MinValue }], Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.FetchAsync("", Ct));
        Assert.Empty(await store.ListGroupIdsAsync(Ct));
    }

    protected static void AssertSameGroup(GroupRecord expected, GroupRecord? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.GroupId, actual.GroupId);
        Assert.Equal(expected.ProtocolType, actual.ProtocolType);
        Assert.Equal(expected.GenerationId, actual.GenerationId);
        Assert.Equal(expected.ProtocolName, actual.ProtocolName);
        Assert.Equal(expected.LeaderId, actual.LeaderId);
        Assert.Equal(expected.StateTime, actual.StateTime);
        Assert.Equal(expected.Members.Count, actual.Members.Count);
        for (var i = 0; i < expected.Members.Count; i++)
        {
            var (e, a) = (expected.Members[i], actual.Members[i]);
            Assert.Equal(e.MemberId, a.MemberId);
            Assert.Equal(e.GroupInstanceId, a.GroupInstanceId);
            Assert.Equal(e.ClientId, a.ClientId);
            Assert.Equal(e.ClientHost, a.ClientHost);
            Assert.Equal(e.RebalanceTimeoutMs, a.RebalanceTimeoutMs);
            Assert.Equal(e.SessionTimeoutMs, a.SessionTimeoutMs);
            Assert.Equal(e.Subscription, a.Subscription);
            Assert.Equal(e.Assignment, a.Assignment);
        }
    }
}
