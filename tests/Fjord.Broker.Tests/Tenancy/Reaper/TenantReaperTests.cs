using System.Collections.Concurrent;
using Azure.Data.Tables;
using Fjord.Broker.Tenancy;
using Fjord.Cluster;
using Fjord.Security.Authorization;
using Fjord.Security.Credentials;
using Fjord.Security.Tenancy;
using Fjord.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fjord.Broker.Tests.Tenancy.Reaper;

/// <summary>
/// The reaper against every store it works on, all on Azurite. Topics are deleted through the metadata store (what
/// TopicAdmin.DeleteAsync starts with), so which topics go, and which incarnation, is checked exactly.
/// </summary>
public sealed class TenantReaperTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IDisposable
{
    private const int TransactionPartitions = 4;

    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..12];
    private readonly ConcurrentQueue<string> _deletedTopics = new();
    private TableTenantStore? _tenants;
    private TableMetadataStore? _metadata;
    private TableOffsetStore? _offsets;
    private TableTransactionStateStore? _transactions;
    private FailingCredentialStore? _credentials;
    private TableAclStore? _acls;

    private CancellationToken Ct => _timeout.Token;

    private TableTenantStore Tenants => _tenants!;
    private TableMetadataStore Metadata => _metadata!;
    private TableOffsetStore Offsets => _offsets!;
    private TableTransactionStateStore Transactions => _transactions!;
    private FailingCredentialStore Credentials => _credentials!;
    private TableAclStore Acls => _acls!;

    /// <summary>What the reaper's topic deletion does here; a test may replace it (to fail, or to race).</summary>
    private Func<TopicMetadata, CancellationToken, Task>? DeleteTopic { get; set; }

    public void Dispose() => _timeout.Dispose();

    private async Task<TenantReaper> StartAsync()
    {
        var service = new TableServiceClient(azurite.ConnectionString);
        _tenants = new TableTenantStore(service, "tenants" + _suffix);
        _metadata = new TableMetadataStore(service, "metadata" + _suffix);
        _offsets = new TableOffsetStore(service, "offsets" + _suffix);
        _transactions = new TableTransactionStateStore(service, "transactions" + _suffix);
        var credentials = new TableScramCredentialStore(service, "scram" + _suffix);
        _credentials = new FailingCredentialStore(credentials);
        _acls = new TableAclStore(service, "acls" + _suffix);
        await Task.WhenAll(_tenants.InitializeAsync(Ct), _metadata.GetOrCreateClusterIdAsync(Ct), _offsets.InitializeAsync(Ct),
            _transactions.InitializeAsync(Ct), credentials.InitializeAsync(Ct), _acls.InitializeAsync(Ct));
        DeleteTopic = async (topic, ct) =>
        {
            if (await Metadata.DeleteTopicAsync(topic.Name, topic.TopicId, ct)) _deletedTopics.Enqueue(topic.Name);
        };
        return new TenantReaper(Tenants, Metadata, (topic, ct) => DeleteTopic!(topic, ct), Offsets, Transactions, TransactionPartitions,
            Credentials, Acls, NullLogger.Instance);
    }

    private static Tenant NewTenant(string id, TenantState state) =>
        new(id, id, state, TenantClusterIds.New(), TenantLimits.None, DateTimeOffset.UnixEpoch);

    private static AclBinding Allow(string principal, ResourceType type, string name, PatternType pattern) =>
        new(new ResourcePattern(type, name, pattern), new AccessControlEntry(principal, "*", AclOperation.All, AclPermissionType.Allow));

    /// <summary>Everything a tenant can own, under <paramref name="prefix"/> (a tenant's "id." or nothing for the operator's names).</summary>
    private async Task GiveAsync(string prefix, string owner)
    {
        await Metadata.CreateTopicAsync(new TopicMetadata(prefix + "orders", Guid.NewGuid(), 3, 1, new Dictionary<string, string>()), Ct);
        await Metadata.CreateTopicAsync(new TopicMetadata(prefix + "payments", Guid.NewGuid(), 1, 1, new Dictionary<string, string>()), Ct);
        await Offsets.CommitAsync(prefix + "billing", [new CommittedOffset(prefix + "orders", 0, 42, 0, null, DateTimeOffset.UnixEpoch)], Ct);
        for (var i = 0; i < 3; i++)
        {
            var id = $"{prefix}txn-{i}";
            var partition = i % TransactionPartitions;
            Assert.NotNull(await Transactions.WriteAsync(new TransactionMetadata(id, partition, 1000 + i, -1, -1, 0, -1, 60000, TransactionState.Empty, [], -1, 0, 0), null, Ct));
        }
        foreach (var user in new[] { prefix + "admin", prefix + "bob" })
        {
            await Credentials.UpsertAsync(user, ScramMechanism.ScramSha512, ScramCredentials.Create(ScramMechanism.ScramSha512, "pw-" + user, 4096), Ct);
            await Credentials.UpsertAsync(user, ScramMechanism.ScramSha256, ScramCredentials.Create(ScramMechanism.ScramSha256, "pw-" + user, 4096), Ct);
        }
        await Acls.CreateAsync(
        [
            Allow($"User:{prefix}admin", ResourceType.Topic, prefix, PatternType.Prefixed),
            Allow($"User:{prefix}admin", ResourceType.Group, prefix, PatternType.Prefixed),
            Allow($"User:{prefix}admin", ResourceType.Cluster, prefix + "kafka-cluster", PatternType.Literal),
            Allow($"User:{prefix}*", ResourceType.Topic, prefix + "orders", PatternType.Literal),
            // The operator's own ACL on one of the names: it goes with the names.
            Allow("User:operator-" + owner, ResourceType.Topic, prefix + "payments", PatternType.Literal),
        ], Ct);
    }

    private async Task<string[]> TopicsAsync() => [.. (await Metadata.ListTopicsAsync(Ct)).Select(t => t.Name).Order(StringComparer.Ordinal)];

    private async Task<string[]> GroupsAsync() => [.. (await Offsets.ListGroupIdsAsync(Ct)).Order(StringComparer.Ordinal)];

    private async Task<string[]> UsersAsync() =>
        [.. (await Credentials.LoadAsync(Ct)).Credentials.Select(c => c.User).Distinct().Order(StringComparer.Ordinal)];

    private async Task<string[]> TransactionalIdsAsync()
    {
        var ids = new List<string>();
        for (var p = 0; p < TransactionPartitions; p++)
            ids.AddRange((await Transactions.LoadPartitionAsync(p, Ct)).Select(t => t.Metadata.TransactionalId));
        return [.. ids.Order(StringComparer.Ordinal)];
    }

    private async Task<string[]> AclNamesAsync() =>
        [.. (await Acls.LoadAsync(Ct)).Acls.Select(a => $"{a.Entry.Principal} {a.Pattern.Name}").Order(StringComparer.Ordinal)];

    [Fact]
    public async Task ADeletingTenantLosesEverythingItOwnsAndNothingElseIsTouched()
    {
        var reaper = await StartAsync();
        await Tenants.CreateAsync(NewTenant("ab", TenantState.Deleting), Ct);
        await Tenants.CreateAsync(NewTenant("abc", TenantState.Active), Ct);
        await Tenants.CreateAsync(NewTenant("zz", TenantState.Suspended), Ct);
        await GiveAsync("ab.", "ab");
        await GiveAsync("abc.", "abc");
        await GiveAsync("zz.", "zz");
        await GiveAsync("", "cluster");
        // One of ab's users was granted something outside the tenant by an operator: it goes with the user.
        await Acls.CreateAsync([Allow("User:ab.bob", ResourceType.Topic, "orders", PatternType.Literal)], Ct);
        var before = await AclNamesAsync();

        await reaper.ReapAsync(Ct);

        Assert.Null(await Tenants.GetAsync("ab", Ct));
        Assert.Equal(["abc", "zz"], (await Tenants.ListAsync(Ct)).Select(t => t.Id));
        Assert.Equal(["ab.orders", "ab.payments"], _deletedTopics.Order(StringComparer.Ordinal));
        Assert.Equal(["abc.orders", "abc.payments", "orders", "payments", "zz.orders", "zz.payments"], await TopicsAsync());
        Assert.Equal(["abc.billing", "billing", "zz.billing"], await GroupsAsync());
        Assert.Empty(await Offsets.FetchAsync("ab.billing", Ct));
        Assert.Equal(["abc.txn-0", "abc.txn-1", "abc.txn-2", "txn-0", "txn-1", "txn-2", "zz.txn-0", "zz.txn-1", "zz.txn-2"], await TransactionalIdsAsync());
        Assert.Equal(["abc.admin", "abc.bob", "admin", "bob", "zz.admin", "zz.bob"], await UsersAsync());
        Assert.Equal(before.Where(a => !a.StartsWith("User:ab.", StringComparison.Ordinal) && !a.EndsWith(" ab.payments", StringComparison.Ordinal)), await AclNamesAsync());
    }

    [Fact]
    public async Task WithNoTenantBeingDeletedNothingChanges()
    {
        var reaper = await StartAsync();
        await Tenants.CreateAsync(NewTenant("ab", TenantState.Active), Ct);
        await Tenants.CreateAsync(NewTenant("cd", TenantState.Suspended), Ct);
        await GiveAsync("ab.", "ab");
        await GiveAsync("cd.", "cd");
        var version = await Tenants.GetVersionAsync(Ct);
        var acls = await Acls.ReadVersionAsync(Ct);

        await reaper.ReapAsync(Ct);

        Assert.Equal(version, await Tenants.GetVersionAsync(Ct));
        Assert.Equal(acls, await Acls.ReadVersionAsync(Ct));
        Assert.Equal(4, (await TopicsAsync()).Length);
        Assert.Equal(4, (await UsersAsync()).Length);
        Assert.Empty(_deletedTopics);
    }

    [Fact]
    public async Task AReapCutShortIsFinishedByTheNextAndTheRowGoesLast()
    {
        var reaper = await StartAsync();
        await Tenants.CreateAsync(NewTenant("ab", TenantState.Deleting), Ct);
        await GiveAsync("ab.", "ab");
        var topicDeletes = 0;
        var real = DeleteTopic!;
        DeleteTopic = async (topic, ct) =>
        {
            // The controller dies after its first topic.
            if (Interlocked.Increment(ref topicDeletes) == 2) throw new IOException("controller lost storage");
            await real(topic, ct);
        };

        await reaper.ReapAsync(Ct);

        Assert.Equal(TenantState.Deleting, (await Tenants.GetAsync("ab", Ct))?.State);
        Assert.Empty(await UsersAsync());
        Assert.Single(await TopicsAsync());

        DeleteTopic = real;
        await reaper.ReapAsync(Ct);

        Assert.Null(await Tenants.GetAsync("ab", Ct));
        Assert.Empty(await TopicsAsync());
        Assert.Empty(await GroupsAsync());
        Assert.Empty(await TransactionalIdsAsync());
        Assert.Empty(await AclNamesAsync());
    }

    [Fact]
    public async Task AReapThatFailsAtItsFirstStepLeavesEverythingForTheNext()
    {
        var reaper = await StartAsync();
        await Tenants.CreateAsync(NewTenant("ab", TenantState.Deleting), Ct);
        await GiveAsync("ab.", "ab");
        Credentials.Failing = true;

        await reaper.ReapAsync(Ct);

        Assert.NotNull(await Tenants.GetAsync("ab", Ct));
        Assert.Equal(2, (await TopicsAsync()).Length);

        Credentials.Failing = false;
        await reaper.ReapAsync(Ct);
        await reaper.ReapAsync(Ct);

        Assert.Null(await Tenants.GetAsync("ab", Ct));
        Assert.Empty(await UsersAsync());
        Assert.Empty(await TopicsAsync());
    }

    [Fact]
    public async Task OneTenantsFailureDoesNotStopAnothersReap()
    {
        var reaper = await StartAsync();
        await Tenants.CreateAsync(NewTenant("ab", TenantState.Deleting), Ct);
        await Tenants.CreateAsync(NewTenant("cd", TenantState.Deleting), Ct);
        await GiveAsync("ab.", "ab");
        await GiveAsync("cd.", "cd");
        var real = DeleteTopic!;
        DeleteTopic = (topic, ct) => topic.Name.StartsWith("ab.", StringComparison.Ordinal)
            ? throw new InvalidOperationException("Topic deletion is disabled (delete.topic.enable=false)")
            : real(topic, ct);

        await reaper.ReapAsync(Ct);

        Assert.NotNull(await Tenants.GetAsync("ab", Ct));
        Assert.Null(await Tenants.GetAsync("cd", Ct));
        Assert.Equal(["ab.orders", "ab.payments"], await TopicsAsync());
    }

    [Fact]
    public async Task SomethingCreatedWhileReapingKeepsTheRowUntilTheNextReap()
    {
        var reaper = await StartAsync();
        await Tenants.CreateAsync(NewTenant("ab", TenantState.Deleting), Ct);
        await GiveAsync("ab.", "ab");
        var real = DeleteTopic!;
        var raced = 0;
        DeleteTopic = async (topic, ct) =>
        {
            // A client of the tenant, not yet disconnected, creates a topic behind the reaper's back.
            if (Interlocked.Exchange(ref raced, 1) == 0)
                await Metadata.CreateTopicAsync(new TopicMetadata("ab.late", Guid.NewGuid(), 1, 1, new Dictionary<string, string>()), ct);
            await real(topic, ct);
        };

        await reaper.ReapAsync(Ct);

        Assert.Equal(["ab.late"], await TopicsAsync());
        Assert.Equal(TenantState.Deleting, (await Tenants.GetAsync("ab", Ct))?.State);

        await reaper.ReapAsync(Ct);

        Assert.Empty(await TopicsAsync());
        Assert.Null(await Tenants.GetAsync("ab", Ct));
    }

    [Fact]
    public async Task ReapingAGoneTenantAgainIsHarmless()
    {
        var reaper = await StartAsync();
        var ab = NewTenant("ab", TenantState.Deleting);
        await Tenants.CreateAsync(ab, Ct);
        await GiveAsync("ab.", "ab");

        Assert.True(await reaper.ReapTenantAsync(ab, Ct));
        Assert.True(await reaper.ReapTenantAsync(ab, Ct));
        await reaper.ReapAsync(Ct);

        Assert.Equal(2, _deletedTopics.Count);
    }
}
