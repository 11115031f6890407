using System.Globalization;
using Fjord.Cluster;

namespace Fjord.Cluster.Tests;

/// <summary>
/// The behaviour every <see cref="IMetadataStore"/> must have, run against the in-memory fake and
/// against Table storage on Azurite (Orleans' MembershipTableTestsBase style).
/// </summary>
public abstract class MetadataStoreContractTests
{
    // xunit creates a class instance per test, so this bounds each test on its own.
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(3));

    protected CancellationToken Ct => _timeout.Token;

    /// <summary>A fresh, empty store no other test sees.</summary>
    protected abstract Task<IMetadataStore> CreateStoreAsync();

    /// <summary>Another store instance over the same data (another broker process, say).</summary>
    protected abstract Task<IMetadataStore> OpenSameStoreAsync(IMetadataStore store);

    protected static TopicMetadata Topic(string name, int partitions = 3, short replicationFactor = 3, Dictionary<string, string>? configs = null) =>
        new(name, Guid.NewGuid(), partitions, replicationFactor, configs ?? []);

    protected static BrokerRegistration Broker(int nodeId, Guid? incarnation = null, string? rack = "az1") =>
        new(
            nodeId,
            incarnation ?? Guid.NewGuid(),
            [new BrokerEndpoint("PLAINTEXT", "127.0.0.1", 9092 + nodeId, "PLAINTEXT"), new BrokerEndpoint("SASL_SSL", $"b{nodeId}.fjord.test", 9093, "SASL_SSL")],
            rack,
            DateTimeOffset.UnixEpoch);

    [Fact]
    public async Task CreatedTopicCanBeReadListedAndDeleted()
    {
        var store = await CreateStoreAsync();
        var topic = Topic("orders", partitions: 6, replicationFactor: 2);

        Assert.Equal(CreateTopicOutcome.Created, await store.CreateTopicAsync(topic, Ct));

        var read = await store.GetTopicAsync("orders", Ct);
        Assert.NotNull(read);
        Assert.Equal(topic.TopicId, read.TopicId);
        Assert.Equal(6, read.PartitionCount);
        Assert.Equal((short)2, read.ReplicationFactor);
        Assert.Empty(read.Configs);
        var listed = Assert.Single(await store.ListTopicsAsync(Ct));
        Assert.Equal(topic.TopicId, listed.TopicId);

        Assert.True(await store.DeleteTopicAsync("orders", topic.TopicId, Ct));
        Assert.Null(await store.GetTopicAsync("orders", Ct));
        Assert.Empty(await store.ListTopicsAsync(Ct));
    }

    [Fact]
    public async Task TopicConfigsRoundTripExactly()
    {
        var store = await CreateStoreAsync();
        var configs = new Dictionary<string, string>
        {
            ["retention.ms"] = "604800000",
            ["cleanup.policy"] = "compact,delete",
            ["message.timestamp.type"] = "LogAppendTime",
            ["odd.value"] = "quotes \" slashes / \\ unicode ✓ and a\nnewline",
            ["empty"] = "",
        };
        await store.CreateTopicAsync(Topic("configured", configs: configs), Ct);

        var read = await store.GetTopicAsync("configured", Ct);

        Assert.NotNull(read);
        Assert.Equal(configs.OrderBy(c => c.Key), read.Configs.OrderBy(c => c.Key));
    }

    [Fact]
    public async Task CallerMutatingItsConfigDictionaryDoesNotChangeTheStoredTopic()
    {
        var store = await CreateStoreAsync();
        var configs = new Dictionary<string, string> { ["retention.ms"] = "1000" };
        await store.CreateTopicAsync(Topic("isolated", configs: configs), Ct);

        configs["retention.ms"] = "2000";

        Assert.Equal("1000", (await store.GetTopicAsync("isolated", Ct))!.Configs["retention.ms"]);
    }

    [Fact]
    public async Task TopicNamesThatTableKeysForbidRoundTrip()
    {
        var store = await CreateStoreAsync();
        string[] names = ["a/b", "back\\slash", "hash#tag", "what?", "tilde~7E", "tab\tand\u0001control", "ünïcödé", "t_prefix-like"];
        foreach (var name in names)
            Assert.Equal(CreateTopicOutcome.Created, await store.CreateTopicAsync(Topic(name), Ct));

        foreach (var name in names)
            Assert.Equal(name, (await store.GetTopicAsync(name, Ct))?.Name);
        Assert.Equal(names.Order(StringComparer.Ordinal), (await store.ListTopicsAsync(Ct)).Select(t => t.Name));
    }

    [Fact]
    public async Task CreatingAnExistingNameReportsAlreadyExistsAndKeepsTheOriginal()
    {
        var store = await CreateStoreAsync();
        var original = Topic("dup", partitions: 1);
        await store.CreateTopicAsync(original, Ct);
        var versionBefore = await store.GetVersionAsync(Ct);

        Assert.Equal(CreateTopicOutcome.AlreadyExists, await store.CreateTopicAsync(Topic("dup", partitions: 9), Ct));

        var read = await store.GetTopicAsync("dup", Ct);
        Assert.Equal(original.TopicId, read!.TopicId);
        Assert.Equal(1, read.PartitionCount);
        Assert.Equal(versionBefore, await store.GetVersionAsync(Ct));
    }

    [Fact]
    public async Task TenConcurrentCreatorsOfOneNameYieldExactlyOneCreated()
    {
        var store = await CreateStoreAsync();
        var stores = new IMetadataStore[10];
        for (var i = 0; i < stores.Length; i++)
            stores[i] = await OpenSameStoreAsync(store);
        var candidates = stores.Select(_ => Topic("contended")).ToArray();
        // An async gate, not a Barrier: 20 blocked pool threads would starve a 2-core box.
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var racers = stores.Select((s, i) => Task.Run(async () =>
        {
            await start.Task;
            return await s.CreateTopicAsync(candidates[i], Ct);
        }, Ct)).ToArray();
        start.SetResult();
        var outcomes = await Task.WhenAll(racers);

        var winner = Assert.Single(outcomes.Select((o, i) => (o, i)), x => x.o == CreateTopicOutcome.Created);
        Assert.Equal(9, outcomes.Count(o => o == CreateTopicOutcome.AlreadyExists));
        Assert.Equal(candidates[winner.i].TopicId, (await store.GetTopicAsync("contended", Ct))!.TopicId);
        Assert.Equal(1, await store.GetVersionAsync(Ct));
    }

    [Fact]
    public async Task TwentyConcurrentIncrementsOfAConfigEndAtExactlyTwenty()
    {
        var store = await CreateStoreAsync();
        await store.CreateTopicAsync(Topic("counter", configs: new() { ["counter"] = "0" }), Ct);
        var versionBefore = await store.GetVersionAsync(Ct);
        var stores = new IMetadataStore[20];
        for (var i = 0; i < stores.Length; i++)
            stores[i] = await OpenSameStoreAsync(store);
        // An async gate, not a Barrier: 20 blocked pool threads would starve a 2-core box.
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var racers = stores.Select(s => Task.Run(async () =>
        {
            await start.Task;
            return await s.UpdateTopicAsync("counter", Increment, Ct);
        }, Ct)).ToArray();
        start.SetResult();
        var outcomes = await Task.WhenAll(racers);

        Assert.All(outcomes, o => Assert.Equal(UpdateOutcome.Updated, o));
        Assert.Equal("20", (await store.GetTopicAsync("counter", Ct))!.Configs["counter"]);
        Assert.Equal(versionBefore + 20, await store.GetVersionAsync(Ct));

        static TopicMetadata Increment(TopicMetadata topic)
        {
            var configs = new Dictionary<string, string>(topic.Configs)
            {
                ["counter"] = (int.Parse(topic.Configs["counter"], CultureInfo.InvariantCulture) + 1).ToString(CultureInfo.InvariantCulture),
            };
            return topic with { Configs = configs };
        }
    }

    [Fact]
    public async Task UpdateCanChangePartitionCountAndConfigs()
    {
        var store = await CreateStoreAsync();
        var topic = Topic("grow", partitions: 2);
        await store.CreateTopicAsync(topic, Ct);

        var outcome = await store.UpdateTopicAsync("grow", t => t with { PartitionCount = 5, Configs = new Dictionary<string, string> { ["retention.ms"] = "1" } }, Ct);

        Assert.Equal(UpdateOutcome.Updated, outcome);
        var read = await store.GetTopicAsync("grow", Ct);
        Assert.Equal(5, read!.PartitionCount);
        Assert.Equal(topic.TopicId, read.TopicId);
        Assert.Equal("1", read.Configs["retention.ms"]);
    }

    [Fact]
    public async Task UpdateOfAMissingTopicIsNotFoundAndANullChangeIsUnchanged()
    {
        var store = await CreateStoreAsync();
        await store.CreateTopicAsync(Topic("steady"), Ct);
        var version = await store.GetVersionAsync(Ct);

        Assert.Equal(UpdateOutcome.NotFound, await store.UpdateTopicAsync("missing", t => t with { PartitionCount = 9 }, Ct));
        Assert.Equal(UpdateOutcome.Unchanged, await store.UpdateTopicAsync("steady", _ => null, Ct));

        Assert.Equal(version, await store.GetVersionAsync(Ct));
        Assert.Null(await store.GetTopicAsync("missing", Ct));
    }

    [Fact]
    public async Task UpdateThatChangesTheTopicIdIsRefused()
    {
        var store = await CreateStoreAsync();
        var topic = Topic("identity");
        await store.CreateTopicAsync(topic, Ct);

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.UpdateTopicAsync("identity", t => t with { TopicId = Guid.NewGuid() }, Ct));

        Assert.Equal(topic.TopicId, (await store.GetTopicAsync("identity", Ct))!.TopicId);
    }

    [Fact]
    public async Task DeleteThenRecreateYieldsANewTopicIdThatTheStaleIdCannotDelete()
    {
        var store = await CreateStoreAsync();
        var first = Topic("phoenix");
        await store.CreateTopicAsync(first, Ct);
        Assert.True(await store.DeleteTopicAsync("phoenix", first.TopicId, Ct));

        var second = Topic("phoenix");
        Assert.Equal(CreateTopicOutcome.Created, await store.CreateTopicAsync(second, Ct));

        Assert.NotEqual(first.TopicId, second.TopicId);
        Assert.Equal(second.TopicId, (await store.GetTopicAsync("phoenix", Ct))!.TopicId);
        Assert.False(await store.DeleteTopicAsync("phoenix", first.TopicId, Ct));
        Assert.Equal(second.TopicId, (await store.GetTopicAsync("phoenix", Ct))!.TopicId);
        Assert.True(await store.DeleteTopicAsync("phoenix", expectedTopicId: null, Ct));
        Assert.False(await store.DeleteTopicAsync("phoenix", expectedTopicId: null, Ct));
    }

    [Fact]
    public async Task VersionGrowsOnEveryChangeButNotOnReadsOrHeartbeats()
    {
        var store = await CreateStoreAsync();
        Assert.Equal(0, await store.GetVersionAsync(Ct));
        var topic = Topic("versioned");
        var broker = Broker(1);
        var seen = new List<long>();

        await store.CreateTopicAsync(topic, Ct);
        seen.Add(await store.GetVersionAsync(Ct));
        await store.UpdateTopicAsync("versioned", t => t with { PartitionCount = 4 }, Ct);
        seen.Add(await store.GetVersionAsync(Ct));
        await store.RegisterBrokerAsync(broker, Ct);
        seen.Add(await store.GetVersionAsync(Ct));
        await store.DeleteTopicAsync("versioned", topic.TopicId, Ct);
        seen.Add(await store.GetVersionAsync(Ct));

        Assert.Equal([1, 2, 3, 4], seen);

        await store.HeartbeatAsync(1, broker.IncarnationId, Ct);
        await store.HeartbeatAsync(1, broker.IncarnationId, Ct);
        await store.ListTopicsAsync(Ct);
        await store.ListBrokersAsync(Ct);
        await store.GetOrCreateClusterIdAsync(Ct);
        Assert.Equal(4, await store.GetVersionAsync(Ct));
    }

    [Fact]
    public async Task BrokerRegistrationRoundTripsAndHeartbeatRenewsTheLease()
    {
        var store = await CreateStoreAsync();
        var broker = Broker(2);
        await store.RegisterBrokerAsync(broker, Ct);
        await store.RegisterBrokerAsync(Broker(0, rack: null), Ct);

        var listed = await store.ListBrokersAsync(Ct);
        Assert.Equal([0, 2], listed.Select(b => b.NodeId));
        var read = listed[1];
        Assert.Equal(broker.IncarnationId, read.IncarnationId);
        Assert.Equal(broker.Endpoints, read.Endpoints);
        Assert.Equal("az1", read.Rack);
        Assert.Null(listed[0].Rack);
        Assert.Equal(DateTimeOffset.UnixEpoch, read.LastHeartbeat);

        await store.HeartbeatAsync(2, broker.IncarnationId, Ct);

        var renewed = (await store.ListBrokersAsync(Ct)).Single(b => b.NodeId == 2);
        Assert.True(renewed.LastHeartbeat > DateTimeOffset.UnixEpoch.AddYears(50), $"lease not renewed: {renewed.LastHeartbeat:O}");
        Assert.Equal(broker.Endpoints, renewed.Endpoints);
    }

    [Fact]
    public async Task AControlledShutdownIsPartOfTheRegistrationAndSurvivesHeartbeats()
    {
        var store = await CreateStoreAsync();
        var broker = Broker(5);
        await store.RegisterBrokerAsync(broker, Ct);
        Assert.False(Assert.Single(await store.ListBrokersAsync(Ct)).ShuttingDown);
        var before = await store.GetVersionAsync(Ct);

        await store.RegisterBrokerAsync(broker with { ShuttingDown = true }, Ct);
        await store.HeartbeatAsync(5, broker.IncarnationId, Ct);

        Assert.True(await store.GetVersionAsync(Ct) > before); // the controller learns of it from the version row
        var listed = Assert.Single(await store.ListBrokersAsync(Ct));
        Assert.True(listed.ShuttingDown);
        Assert.Equal(broker.IncarnationId, listed.IncarnationId);
    }

    [Fact]
    public async Task ANewIncarnationFencesTheOldOneEvenAfterTheOldOneRenewedItsLease()
    {
        var store = await CreateStoreAsync();
        var old = Broker(4);
        await store.RegisterBrokerAsync(old, Ct);
        await store.HeartbeatAsync(4, old.IncarnationId, Ct); // the renewal the old incarnation remembers
        await store.HeartbeatAsync(4, old.IncarnationId, Ct);
        var restarted = Broker(4);

        await store.RegisterBrokerAsync(restarted, Ct);

        await Assert.ThrowsAsync<BrokerFencedException>(() => store.HeartbeatAsync(4, old.IncarnationId, Ct));
        await store.HeartbeatAsync(4, restarted.IncarnationId, Ct);
        await store.HeartbeatAsync(4, restarted.IncarnationId, Ct);
        Assert.Equal(restarted.IncarnationId, Assert.Single(await store.ListBrokersAsync(Ct)).IncarnationId);
    }

    [Fact]
    public async Task ANewIncarnationFencesTheOldOne()
    {
        var store = await CreateStoreAsync();
        var old = Broker(3);
        await store.RegisterBrokerAsync(old, Ct);
        var restarted = Broker(3);

        await store.RegisterBrokerAsync(restarted, Ct);

        var fenced = await Assert.ThrowsAsync<BrokerFencedException>(() => store.HeartbeatAsync(3, old.IncarnationId, Ct));
        Assert.Equal(3, fenced.NodeId);
        Assert.Equal(restarted.IncarnationId, fenced.RegisteredIncarnationId);
        await store.HeartbeatAsync(3, restarted.IncarnationId, Ct);
        Assert.Equal(restarted.IncarnationId, Assert.Single(await store.ListBrokersAsync(Ct)).IncarnationId);
    }

    [Fact]
    public async Task HeartbeatOfAnUnregisteredNodeIsFenced()
    {
        var store = await CreateStoreAsync();

        var fenced = await Assert.ThrowsAsync<BrokerFencedException>(() => store.HeartbeatAsync(7, Guid.NewGuid(), Ct));

        Assert.Null(fenced.RegisteredIncarnationId);
        Assert.Empty(await store.ListBrokersAsync(Ct));
    }

    [Fact]
    public async Task ClusterIdIsAKafkaStyleIdStableAcrossCallsAndStoreInstances()
    {
        var store = await CreateStoreAsync();
        var others = new IMetadataStore[5];
        for (var i = 0; i < others.Length; i++)
            others[i] = await OpenSameStoreAsync(store);

        var ids = await Task.WhenAll(others.Select(s => Task.Run(() => s.GetOrCreateClusterIdAsync(Ct), Ct)));

        var id = ids[0];
        Assert.Equal(22, id.Length);
        Assert.Matches("^[A-Za-z0-9_-]{22}$", id);
        Assert.All(ids, i => Assert.Equal(id, i));
        Assert.Equal(id, await store.GetOrCreateClusterIdAsync(Ct));
        Assert.Equal(id, await (await OpenSameStoreAsync(store)).GetOrCreateClusterIdAsync(Ct));
        Assert.NotEqual(id, await (await CreateStoreAsync()).GetOrCreateClusterIdAsync(Ct));
    }

    [Fact]
    public async Task ClusterIdIsOnlyReadUntilItIsCreatedOnPurpose()
    {
        var store = await CreateStoreAsync();

        // Reading never creates: a broker with data must be able to tell an empty store from its cluster's.
        Assert.Null(await store.GetClusterIdAsync(Ct));
        Assert.Null(await store.GetClusterIdAsync(Ct));
        var id = await store.GetOrCreateClusterIdAsync(Ct);
        Assert.Equal(id, await store.GetClusterIdAsync(Ct));
        Assert.Equal(id, await (await OpenSameStoreAsync(store)).GetClusterIdAsync(Ct));
    }

    [Fact]
    public async Task DeletedTopicIdsAreRecordedSoBrokersKnowADeletionPositively()
    {
        var store = await CreateStoreAsync();
        var first = Topic("orders");
        var kept = Topic("payments");
        await store.CreateTopicAsync(first, Ct);
        await store.CreateTopicAsync(kept, Ct);
        Assert.Empty(await store.ListDeletedTopicIdsAsync(Ct));

        Assert.True(await store.DeleteTopicAsync("orders", first.TopicId, Ct));
        var recreated = Topic("orders");
        await store.CreateTopicAsync(recreated, Ct);
        Assert.True(await store.DeleteTopicAsync("orders", null, Ct));

        var deleted = await (await OpenSameStoreAsync(store)).ListDeletedTopicIdsAsync(Ct);
        Assert.Equal(new HashSet<Guid> { first.TopicId, recreated.TopicId }, deleted.ToHashSet());
    }

    [Fact]
    public async Task ListingOneHundredFiftyTopicsIsComplete()
    {
        var store = await CreateStoreAsync();
        var created = Enumerable.Range(0, 150).Select(i => Topic($"topic-{i:D3}", partitions: i + 1)).ToList();
        foreach (var chunk in created.Chunk(10))
            await Task.WhenAll(chunk.Select(t => store.CreateTopicAsync(t, Ct)));

        var listed = await store.ListTopicsAsync(Ct);

        Assert.Equal(created.Select(t => (t.Name, t.TopicId, t.PartitionCount)), listed.Select(t => (t.Name, t.TopicId, t.PartitionCount)));
        Assert.Equal(150, await store.GetVersionAsync(Ct));
    }

    [Fact]
    public async Task ListingWhileAWriterChurnsNeverShowsATornSnapshot()
    {
        var store = await CreateStoreAsync();
        foreach (var chunk in Enumerable.Range(0, 100).Chunk(10))
            await Task.WhenAll(chunk.Select(i => store.CreateTopicAsync(Topic(Name(i), partitions: 1), Ct)));
        // The writer slides a window: add one name after the end, then drop one from the front.
        // Every consistent snapshot is therefore a contiguous run of 100 or 101 names. A read
        // stitched from pages taken at different moments sees the front before the writer dropped
        // it and the end after it added more, and so holds more than 101.
        var writer = Task.Run(async () =>
        {
            for (var i = 0; i < 60; i++)
            {
                await store.CreateTopicAsync(Topic(Name(100 + i), partitions: 1), Ct);
                await store.DeleteTopicAsync(Name(i), expectedTopicId: null, Ct);
            }
        }, Ct);

        var listings = 0;
        while (!writer.IsCompleted || listings == 0)
        {
            var names = (await store.ListTopicsAsync(Ct)).Select(t => t.Name).ToList();
            Assert.InRange(names.Count, 100, 101);
            var first = int.Parse(names[0].AsSpan("topic-".Length), CultureInfo.InvariantCulture);
            Assert.Equal(Enumerable.Range(first, names.Count).Select(Name), names);
            listings++;
        }

        await writer;
        Assert.Equal(Enumerable.Range(60, 100).Select(Name), (await store.ListTopicsAsync(Ct)).Select(t => t.Name));

        static string Name(int i) => $"topic-{i:D3}";
    }

    [Fact]
    public async Task ConfigsTooBigForOneTableColumnAreRejectedWithAClearError()
    {
        var store = await CreateStoreAsync();
        var huge = new Dictionary<string, string> { ["big"] = new string('x', 40_000) };

        var error = await Assert.ThrowsAsync<ArgumentException>(() => store.CreateTopicAsync(Topic("huge", configs: huge), Ct));

        Assert.Contains("huge", error.Message, StringComparison.Ordinal);
        Assert.Null(await store.GetTopicAsync("huge", Ct));
        Assert.Equal(0, await store.GetVersionAsync(Ct));
    }

    [Fact]
    public async Task InvalidTopicsAreRejected()
    {
        var store = await CreateStoreAsync();

        await Assert.ThrowsAsync<ArgumentException>(() => store.CreateTopicAsync(Topic("zero-id") with { TopicId = Guid.Empty }, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => store.CreateTopicAsync(Topic("no-partitions", partitions: 0), Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => store.CreateTopicAsync(Topic("no-replicas", replicationFactor: 0), Ct));
        Assert.Empty(await store.ListTopicsAsync(Ct));
    }

    [Fact]
    public async Task AManualAssignmentRoundTripsAndAnUpdateKeepsChangesOrDropsIt()
    {
        var store = await CreateStoreAsync();
        var other = await OpenSameStoreAsync(store);
        await store.CreateTopicAsync(Topic("manual", partitions: 3) with { Assignment = [[1, 2, 3], [2, 3, 1]] }, Ct);

        var read = await other.GetTopicAsync("manual", Ct);
        Assert.Equal([[1, 2, 3], [2, 3, 1]], read!.Assignment!.Select(p => p.ToArray()));
        Assert.Equal([[1, 2, 3], [2, 3, 1]], Assert.Single(await other.ListTopicsAsync(Ct)).Assignment!.Select(p => p.ToArray()));

        // An update that does not touch the assignment keeps it.
        await other.UpdateTopicAsync("manual", t => t with { Configs = new Dictionary<string, string> { ["retention.ms"] = "1" } }, Ct);
        Assert.Equal([[1, 2, 3], [2, 3, 1]], (await store.GetTopicAsync("manual", Ct))!.Assignment!.Select(p => p.ToArray()));

        // CreatePartitions with assignments for the new partitions only: the old ones' entries are empty.
        await other.UpdateTopicAsync("manual", t => t with { PartitionCount = 5, Assignment = [[1, 2, 3], [2, 3, 1], [], [], [3, 1, 2]] }, Ct);
        Assert.Equal([[1, 2, 3], [2, 3, 1], [], [], [3, 1, 2]], (await store.GetTopicAsync("manual", Ct))!.Assignment!.Select(p => p.ToArray()));

        await other.UpdateTopicAsync("manual", t => t with { Assignment = null }, Ct);
        Assert.Null((await store.GetTopicAsync("manual", Ct))!.Assignment);
    }

    [Fact]
    public async Task ATopicWithoutAnAssignmentReadsBackWithNoneAndInvalidAssignmentsAreRejected()
    {
        var store = await CreateStoreAsync();
        await store.CreateTopicAsync(Topic("auto") with { Assignment = [] }, Ct);
        Assert.Null((await store.GetTopicAsync("auto", Ct))!.Assignment);

        await Assert.ThrowsAsync<ArgumentException>(() => store.CreateTopicAsync(Topic("too-many", partitions: 1) with { Assignment = [[1], [2]] }, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => store.CreateTopicAsync(Topic("twice") with { Assignment = [[1, 1]] }, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => store.CreateTopicAsync(Topic("negative") with { Assignment = [[-1]] }, Ct));
        Assert.Single(await store.ListTopicsAsync(Ct));
    }
}
