using Azure.Core;
using Azure.Data.Tables;
using Fjord.Cluster;
using Fjord.ControlPlane.Topics;
using Fjord.Security.Tenancy;
using Fjord.Testing;
using Xunit.Abstractions;

namespace Fjord.ControlPlane.Tests.Topics;

/// <summary>
/// The topic library against Azurite's Table storage, with one registered broker and no controller: creates answer
/// "creating" (nobody elects leaders here; the end-to-end test in Fjord.Broker.Tests sees them elected). Every
/// refusal is checked to leave the metadata version, and so every row, as it was.
/// </summary>
public sealed class TopicAdministrationTests(AzuriteFixture azurite, ITestOutputHelper output) : IClassFixture<AzuriteFixture>
{
    private static readonly CancellationToken None = CancellationToken.None;

    private sealed record Setup(TopicAdministration Topics, TableMetadataStore Store, TableTenantStore Tenants, RequestCounter Requests);

    private async Task<Setup> SetupAsync(TimeSpan? leaderWait = null)
    {
        var requests = new RequestCounter();
        var options = new TableClientOptions();
        options.AddPolicy(requests, HttpPipelinePosition.PerCall);
        var service = new TableServiceClient(azurite.ConnectionString, options);
        var suffix = Guid.NewGuid().ToString("N")[..12];
        var store = new TableMetadataStore(service, "metadata" + suffix);
        var tenants = new TableTenantStore(service, "tenants" + suffix);
        await tenants.InitializeAsync(None);
        await store.GetOrCreateClusterIdAsync(None);
        await store.RegisterBrokerAsync(new BrokerRegistration(0, Guid.NewGuid(), [new BrokerEndpoint("PLAINTEXT", "127.0.0.1", 9092, "PLAINTEXT")], null, DateTimeOffset.UtcNow), None);
        return new Setup(new TopicAdministration(store, tenants, TimeProvider.System, leaderWait ?? TimeSpan.Zero), store, tenants, requests);
    }

    private static async Task TenantAsync(Setup setup, string id, TenantLimits? limits = null) =>
        Assert.True(await setup.Tenants.CreateAsync(new Tenant(id, id, TenantState.Active, TenantClusterIds.New(), limits ?? TenantLimits.None, DateTimeOffset.UtcNow), None));

    private static TopicSpec Spec(int partitions = 3, short replicationFactor = 1, Dictionary<string, string>? configs = null) =>
        new(partitions, replicationFactor, configs ?? new Dictionary<string, string>());

    [Fact]
    public async Task ATopicIsCreatedUnderTheTenantsPrefixListedGrownReconfiguredAndDeleted()
    {
        var setup = await SetupAsync();
        await TenantAsync(setup, "acme");
        var created = await setup.Topics.CreateAsync("acme", "orders", Spec(configs: new() { ["remote.storage.enable"] = "true" }), None);

        Assert.True(created.Created);
        Assert.Equal("orders", created.Topic.Name);
        Assert.Equal(TopicState.Creating, created.Topic.State);
        var stored = await setup.Store.GetTopicAsync("acme.orders", None);
        Assert.Equal(3, stored!.PartitionCount);
        Assert.Equal("true", stored.Configs["remote.storage.enable"]);
        Assert.Equal(stored.TopicId, created.Topic.TopicId);

        var page = await setup.Topics.ListAsync("acme", 10, null, None);
        Assert.Equal(new[] { "orders" }, page.Items.Select(t => t.Name));
        Assert.Null(page.After);

        var etag = TopicETag.Of(created.Topic);
        var grown = await setup.Topics.AddPartitionsAsync("acme", "orders", 5, etag, None);
        Assert.Equal(5, grown.Partitions);
        Assert.Equal(5, (await setup.Store.GetTopicAsync("acme.orders", None))!.PartitionCount);
        var stale = await Assert.ThrowsAsync<TopicAdministrationException>(() =>
            setup.Topics.SetConfigsAsync("acme", "orders", new Dictionary<string, string> { ["retention.ms"] = "1000" }, etag, None));
        Assert.Equal(TopicErrorKind.PreconditionFailed, stale.Kind);

        var reconfigured = await setup.Topics.SetConfigsAsync("acme", "orders", new Dictionary<string, string> { ["retention.ms"] = "1000" }, TopicETag.Of(grown), None);
        Assert.Equal(new Dictionary<string, string> { ["retention.ms"] = "1000" }, reconfigured.Configs);
        Assert.Equal("1000", (await setup.Store.GetTopicAsync("acme.orders", None))!.Configs["retention.ms"]);

        await setup.Topics.DeleteAsync("acme", "orders", TopicETag.Of(reconfigured), None);
        Assert.Null(await setup.Store.GetTopicAsync("acme.orders", None));
        Assert.Contains(stored.TopicId, await setup.Store.ListDeletedTopicIdsAsync(None));
        Assert.Equal(TopicErrorKind.NotFound, (await Assert.ThrowsAsync<TopicAdministrationException>(() => setup.Topics.GetAsync("acme", "orders", None))).Kind);
    }

    [Fact]
    public async Task ACreateRepeatedWithTheSameSpecIsNotAnErrorAndWithAnotherIsAlreadyExists()
    {
        var setup = await SetupAsync();
        await TenantAsync(setup, "acme");
        var first = await setup.Topics.CreateAsync("acme", "orders", Spec(configs: new() { ["retention.ms"] = "60000" }), None);
        var again = await setup.Topics.CreateAsync("acme", "orders", Spec(configs: new() { ["retention.ms"] = "60000" }), None);

        Assert.True(first.Created);
        Assert.False(again.Created);
        Assert.Equal(first.Topic.TopicId, again.Topic.TopicId);
        var version = await setup.Store.GetVersionAsync(None);
        var different = await Assert.ThrowsAsync<TopicAdministrationException>(() => setup.Topics.CreateAsync("acme", "orders", Spec(partitions: 4), None));
        Assert.Equal(TopicErrorKind.AlreadyExists, different.Kind);
        Assert.Equal(version, await setup.Store.GetVersionAsync(None));
    }

    [Fact]
    public async Task ATenantSeesOnlyItsOwnTopicsPageByPage()
    {
        var setup = await SetupAsync();
        await TenantAsync(setup, "acme");
        await TenantAsync(setup, "acme-two");
        foreach (var name in new[] { "c", "a", "b" })
            await setup.Topics.CreateAsync("acme", name, Spec(partitions: 1), None);
        await setup.Topics.CreateAsync("acme-two", "a", Spec(partitions: 1), None);

        var first = await setup.Topics.ListAsync("acme", 2, null, None);
        Assert.Equal(new[] { "a", "b" }, first.Items.Select(t => t.Name));
        Assert.Equal("b", first.After);
        var second = await setup.Topics.ListAsync("acme", 2, first.After, None);
        Assert.Equal(new[] { "c" }, second.Items.Select(t => t.Name));
        Assert.Null(second.After);
        Assert.Equal(new[] { "a" }, (await setup.Topics.ListAsync("acme-two", 10, null, None)).Items.Select(t => t.Name));
    }

    public static TheoryData<string, int, short, string?, string?, TopicErrorKind, string> BadCreates() => new()
    {
        { "bad name", 1, 1, null, null, TopicErrorKind.Invalid, "contains ' '" },
        { "..", 1, 1, null, null, TopicErrorKind.Invalid, "cannot be '..'" },
        { new string('x', 245), 1, 1, null, null, TopicErrorKind.Invalid, "longer than 244 characters" },
        { "orders", 0, 1, null, null, TopicErrorKind.Invalid, "Number of partitions must be larger than 0" },
        { "orders", -3, 1, null, null, TopicErrorKind.Invalid, "Number of partitions must be larger than 0" },
        { "orders", 1, 0, null, null, TopicErrorKind.Invalid, "Replication factor must be larger than 0" },
        { "orders", 1, 2, null, null, TopicErrorKind.Invalid, "only 1 broker(s) are registered" },
        { "orders", 1, 1, "no.such.config", "1", TopicErrorKind.Invalid, "Unknown or unsupported topic config no.such.config" },
        { "orders", 1, 1, "retention.ms", "soon", TopicErrorKind.Invalid, "Invalid value soon for retention.ms" },
        { "orders", 1, 1, "remote.storage.enable", "yes", TopicErrorKind.Invalid, "must be one of true, false" },
        { "orders", 7, 1, null, null, TopicErrorKind.LimitExceeded, "would exceed its limit of 6 partitions" },
    };

    [Theory]
    [MemberData(nameof(BadCreates))]
    public async Task ABadCreateIsRefusedWithTheBrokersReasonAndWritesNothing(string name, int partitions, short replicationFactor, string? config, string? value,
        TopicErrorKind kind, string reason)
    {
        var setup = await SetupAsync();
        await TenantAsync(setup, "acme", new TenantLimits(MaxPartitions: 6));
        var version = await setup.Store.GetVersionAsync(None);
        var configs = config is null ? null : new Dictionary<string, string> { [config] = value! };

        var refused = await Assert.ThrowsAsync<TopicAdministrationException>(() => setup.Topics.CreateAsync("acme", name, Spec(partitions, replicationFactor, configs), None));

        Assert.Equal(kind, refused.Kind);
        Assert.Contains(reason, refused.Message, StringComparison.Ordinal);
        Assert.Equal(version, await setup.Store.GetVersionAsync(None));
        Assert.Empty(await setup.Store.ListTopicsAsync(None));
    }

    [Fact]
    public async Task TheTenantsTopicLimitIsNamedAndTheLongestNameFits()
    {
        var setup = await SetupAsync();
        await TenantAsync(setup, "acme", new TenantLimits(MaxTopics: 1));
        await setup.Topics.CreateAsync("acme", new string('x', 244), Spec(partitions: 1), None);

        var refused = await Assert.ThrowsAsync<TopicAdministrationException>(() => setup.Topics.CreateAsync("acme", "more", Spec(partitions: 1), None));

        Assert.Equal(TopicErrorKind.LimitExceeded, refused.Kind);
        Assert.Equal("Tenant acme has reached its limit of 1 topics", refused.Message);
    }

    [Fact]
    public async Task PartitionsCannotShrinkNorPassTheTenantsLimit()
    {
        var setup = await SetupAsync();
        await TenantAsync(setup, "acme", new TenantLimits(MaxPartitions: 4));
        await setup.Topics.CreateAsync("acme", "orders", Spec(partitions: 3), None);

        Assert.Contains("higher than the requested 2", (await Assert.ThrowsAsync<TopicAdministrationException>(() => setup.Topics.AddPartitionsAsync("acme", "orders", 2, null, None))).Message, StringComparison.Ordinal);
        Assert.Contains("already has 3", (await Assert.ThrowsAsync<TopicAdministrationException>(() => setup.Topics.AddPartitionsAsync("acme", "orders", 3, null, None))).Message, StringComparison.Ordinal);
        var limited = await Assert.ThrowsAsync<TopicAdministrationException>(() => setup.Topics.AddPartitionsAsync("acme", "orders", 5, null, None));
        Assert.Equal(TopicErrorKind.LimitExceeded, limited.Kind);
        Assert.Contains("limit of 4 partitions", limited.Message, StringComparison.Ordinal);
        Assert.Equal(3, (await setup.Store.GetTopicAsync("acme.orders", None))!.PartitionCount);
    }

    [Fact]
    public async Task ATenantBeingDeletedGetsNoNewTopicsAndAMissingTenantIsNotFound()
    {
        var setup = await SetupAsync();
        Assert.True(await setup.Tenants.CreateAsync(new Tenant("gone", "gone", TenantState.Deleting, TenantClusterIds.New(), TenantLimits.None, DateTimeOffset.UtcNow), None));

        Assert.Equal(TopicErrorKind.Conflict, (await Assert.ThrowsAsync<TopicAdministrationException>(() => setup.Topics.CreateAsync("gone", "orders", Spec(), None))).Kind);
        Assert.Equal(TopicErrorKind.NotFound, (await Assert.ThrowsAsync<TopicAdministrationException>(() => setup.Topics.CreateAsync("nobody", "orders", Spec(), None))).Kind);
        Assert.Empty(await setup.Store.ListTopicsAsync(None));
    }

    /// <summary>The cost of a create in Table operations, counted on the wire (a transaction is one request).</summary>
    [Fact]
    public async Task ACreateCostsAHandfulOfTableOperations()
    {
        var setup = await SetupAsync();
        await TenantAsync(setup, "acme");
        await TenantAsync(setup, "capped", new TenantLimits(MaxTopics: 10));

        var before = setup.Requests.Count;
        await setup.Topics.CreateAsync("acme", "orders", Spec(), None);
        var plain = setup.Requests.Count - before;
        before = setup.Requests.Count;
        await setup.Topics.CreateAsync("capped", "orders", Spec(), None);
        var limited = setup.Requests.Count - before;

        output.WriteLine($"Table operations per create (leader wait 0, one poll): {plain} without limits, {limited} with MaxTopics");
        // Tenant 1, brokers 1, topic read 1, create 3 (row, version, transaction), one leader poll 2.
        Assert.Equal(8, plain);
        Assert.Equal(11, limited);
    }
}
