using Fjord.ControlPlane.Client;
using Fjord.ControlPlane.Client.Tenants;
using Fjord.ControlPlane.Tests.Functions;
using Fjord.Testing;

namespace Fjord.ControlPlane.Tests.Client;

/// <summary>The typed client against the local control plane over a real socket, reading state back from the tables.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class ControlPlaneClientTests(ControlPlaneFixture fixture) : IDisposable
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));
    private readonly ControlPlaneClient _client = new(fixture.BaseAddress, fixture.OperatorKey);

    private CancellationToken Ct => _timeout.Token;

    public void Dispose()
    {
        _client.Dispose();
        _timeout.Dispose();
    }

    private static string NewId(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task CreateIsIdempotentAndEveryWriteCarriesTheETagItCanBeGuardedWith()
    {
        var id = NewId("cl");
        var limits = new TenantLimitsModel(MaxTopics: 5, MaxRetainedBytes: 5_000_000_000L);

        var created = await _client.Tenants.CreateAsync(id, "Client Test", limits, Ct);
        var again = await _client.Tenants.CreateAsync(id, "Client Test", limits, Ct);

        Assert.True(created.Created);
        Assert.Equal(id + ".admin", created.Tenant.Admin?.Username);
        Assert.False(string.IsNullOrEmpty(created.Tenant.Admin?.Password));
        Assert.Equal(limits, created.Tenant.Limits);
        Assert.Equal(TenantStatus.Active, created.Tenant.State);
        Assert.False(again.Created);
        Assert.Null(again.Tenant.Admin);
        var conflict = await Assert.ThrowsAsync<ControlPlaneException>(() => _client.Tenants.CreateAsync(id, "Another Name", limits, Ct));
        Assert.Equal(409, conflict.Status);

        var fetched = await _client.Tenants.GetAsync(id, Ct);
        Assert.NotNull(fetched?.ETag);
        var suspended = await _client.Tenants.SuspendAsync(id, fetched!.ETag, Ct);
        Assert.Equal(TenantStatus.Suspended, suspended.State);
        Assert.Equal(Fjord.Security.Tenancy.TenantState.Suspended, (await fixture.Tenants.GetAsync(id, Ct))?.State);
        var stale = await Assert.ThrowsAsync<ControlPlaneException>(() => _client.Tenants.ResumeAsync(id, fetched.ETag, Ct));
        Assert.Equal(412, stale.Status);
        Assert.False(string.IsNullOrWhiteSpace(stale.Detail));
        var resumed = await _client.Tenants.ResumeAsync(id, suspended.ETag, Ct);
        Assert.Equal(TenantStatus.Active, resumed.State);

        var relimited = await _client.Tenants.SetLimitsAsync(id, new TenantLimitsModel(MaxConnections: 7), resumed.ETag, Ct);
        Assert.Equal(new TenantLimitsModel(MaxConnections: 7), relimited.Limits);
        Assert.Equal(new Fjord.Security.Tenancy.TenantLimits(MaxConnections: 7), (await fixture.Tenants.GetAsync(id, Ct))?.Limits);
    }

    [Fact]
    public async Task ListPagesThroughEveryTenantWithTheContinuationTokens()
    {
        var prefix = NewId("pg");
        var ids = new[] { prefix + "-a", prefix + "-b", prefix + "-c" };
        foreach (var id in ids) await _client.Tenants.CreateAsync(id, null, null, Ct);

        var first = await _client.Tenants.ListPageAsync(1, null, Ct);
        Assert.Single(first.Items);
        Assert.NotNull(first.Next);
        var all = new List<string>();
        await foreach (var tenant in _client.Tenants.ListAllAsync(2, Ct)) all.Add(tenant.Id);

        Assert.Equal(all.Order(StringComparer.Ordinal), all);
        Assert.Equal(all.Distinct(), all);
        Assert.Subset(all.ToHashSet(), ids.ToHashSet());
    }

    [Fact]
    public async Task DeleteMarksTheTenantWaitUntilGoneSeesTheReaperFinishAndDeletingAgainIsDone()
    {
        var id = NewId("del");
        await _client.Tenants.CreateAsync(id, null, null, Ct);

        var deleting = await _client.Tenants.DeleteAsync(id, null, Ct);
        Assert.Equal(TenantStatus.Deleting, deleting?.State);
        var seen = 0;
        var waiting = _client.Tenants.WaitUntilGoneAsync(id, TimeSpan.FromSeconds(60), new Counter(() => Interlocked.Increment(ref seen)), TimeSpan.FromMilliseconds(100), ct: Ct);
        // The brokers' controller's last step, taken here once the client has seen the tenant deleting.
        await Poll.UntilAsync(() => Volatile.Read(ref seen) > 0, TimeSpan.FromSeconds(30), "the wait to see the tenant deleting");
        await fixture.Tenants.DeleteAsync(id, Ct);

        Assert.True(await waiting);
        Assert.Null(await _client.Tenants.GetAsync(id, Ct));
        Assert.Null(await _client.Tenants.DeleteAsync(id, null, Ct));
    }

    [Fact]
    public async Task WaitUntilGoneSaysFalseWhenNoControllerFinishesInTime()
    {
        var id = NewId("stuck");
        await _client.Tenants.CreateAsync(id, null, null, Ct);
        await _client.Tenants.DeleteAsync(id, null, Ct);

        Assert.False(await _client.Tenants.WaitUntilGoneAsync(id, TimeSpan.FromMilliseconds(300), null, TimeSpan.FromMilliseconds(100), ct: Ct));
        Assert.Equal(TenantStatus.Deleting, (await _client.Tenants.GetAsync(id, Ct))?.State);
    }

    [Fact]
    public async Task RefusalsArriveAsControlPlaneExceptionsWithStatusTitleAndDetail()
    {
        var bad = await Assert.ThrowsAsync<ControlPlaneException>(() => _client.Tenants.GetAsync("Not_A_Tenant", Ct));
        Assert.Equal(400, bad.Status);
        Assert.Equal("Bad Request", bad.Title);
        Assert.False(string.IsNullOrWhiteSpace(bad.Detail));

        using var stranger = new ControlPlaneClient(fixture.BaseAddress, "fjk.nobody.nothing");
        var refused = await Assert.ThrowsAsync<ControlPlaneException>(() => stranger.Tenants.ListPageAsync(ct: Ct));
        Assert.Equal(401, refused.Status);
        Assert.Contains("API key", refused.Detail, StringComparison.Ordinal);

        var missing = await Assert.ThrowsAsync<ControlPlaneException>(() => _client.Tenants.SuspendAsync(NewId("none"), null, Ct));
        Assert.Equal(404, missing.Status);
    }

    [Fact]
    public async Task ATenantKeySeesOnlyItsOwnTenantAndMayNotChangeIt()
    {
        var id = NewId("own");
        await _client.Tenants.CreateAsync(id, null, null, Ct);
        var key = (await fixture.ApiKeys.CreateTenantKeyAsync(id, TimeSpan.FromHours(1), "client test", Ct)).Secret;
        using var tenantClient = new ControlPlaneClient(fixture.BaseAddress, key);

        var visible = new List<string>();
        await foreach (var tenant in tenantClient.Tenants.ListAllAsync(ct: Ct)) visible.Add(tenant.Id);

        Assert.Equal([id], visible);
        Assert.Equal(403, (await Assert.ThrowsAsync<ControlPlaneException>(() => tenantClient.Tenants.SuspendAsync(id, null, Ct))).Status);
    }

    [Fact]
    public async Task TheClusterConnectionIsTheBootstrapServersAndCaTheControlPlaneWasGiven()
    {
        var connection = await _client.Cluster.GetConnectionAsync(Ct);

        Assert.Equal(fixture.BootstrapServers, connection.BootstrapServers);
        Assert.Equal(fixture.CaCertificate, connection.CaCertificate);
    }

    [Fact]
    public async Task AnUnreachableControlPlaneIsAnHttpRequestException()
    {
        var closed = FreePort.Next(1)[0];
        using var nowhere = new ControlPlaneClient(new Uri($"http://127.0.0.1:{closed}"), fixture.OperatorKey);

        await Assert.ThrowsAsync<HttpRequestException>(() => nowhere.Tenants.ListPageAsync(ct: Ct));
    }

    private sealed class Counter(Action onReport) : IProgress<TenantModel>
    {
        public void Report(TenantModel value) => onReport();
    }
}
