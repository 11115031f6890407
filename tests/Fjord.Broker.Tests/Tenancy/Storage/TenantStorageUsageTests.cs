using Fjord.Broker.Tenancy.Storage;
using Fjord.Cluster;
using Fjord.Protocol;
using Fjord.Security.Tenancy;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fjord.Broker.Tests.Tenancy.Storage;

/// <summary>
/// The summing and sharing of tenants' retained bytes, over the in-memory usage table: this broker's fresh
/// figure plus the rows of brokers the metadata has leading the tenant's partitions, written only when changed.
/// </summary>
public sealed class TenantStorageUsageTests : IAsyncLifetime
{
    private const int Self = 1;

    private readonly InMemoryTenantStore _tenantStore = new();
    private readonly InMemoryTenantUsageStore _usage = new();
    private readonly Dictionary<string, long> _measured = new(StringComparer.Ordinal);
    private TenantCache _tenants = null!;
    private MetadataSnapshot _snapshot = MetadataSnapshot.Empty;
    private TenantStorageUsage _storage = null!;

    public async Task InitializeAsync()
    {
        await _tenantStore.CreateAsync(Tenant("acme", maxRetainedBytes: 1000), CancellationToken.None);
        await _tenantStore.CreateAsync(Tenant("beta", maxRetainedBytes: null), CancellationToken.None);
        _tenants = new TenantCache(_tenantStore, TimeSpan.FromHours(1), TimeProvider.System, NullLogger.Instance);
        await _tenants.RefreshAsync(CancellationToken.None);
        _storage = new TenantStorageUsage(Self, _usage, () => new Dictionary<string, long>(_measured, StringComparer.Ordinal), _tenants,
            () => _snapshot, TimeSpan.FromHours(1), TimeProvider.System, NullLogger.Instance);
    }

    public async Task DisposeAsync()
    {
        await _storage.DisposeAsync();
        await _tenants.DisposeAsync();
    }

    [Fact]
    public async Task ClusterFigureIsThisBrokersMeasurePlusRowsOfBrokersLeadingTheTenantsPartitions()
    {
        // acme.orders-0 led here, acme.orders-1 by broker 2; broker 3 led acme.orders-2 once but the controller moved it to 2.
        _snapshot = Snapshot(("acme.orders", 0, Self), ("acme.orders", 1, 2), ("acme.orders", 2, 2));
        _measured["acme.orders"] = 100;
        _measured["operator-topic"] = 1_000_000;
        await _usage.WriteAsync("acme", 2, 300, DateTimeOffset.UtcNow, CancellationToken.None);
        await _usage.WriteAsync("acme", 3, 5000, DateTimeOffset.UtcNow, CancellationToken.None);
        // A stale row of this broker is replaced by its fresh measure, never added to it.
        await _usage.WriteAsync("acme", Self, 7777, DateTimeOffset.UtcNow, CancellationToken.None);

        await _storage.RunOnceAsync(CancellationToken.None);

        Assert.Equal(100, _storage.LocalRetainedBytes("acme"));
        Assert.Equal(400, _storage.ClusterRetainedBytes("acme"));
        Assert.Equal(0, _storage.ClusterRetainedBytes("beta"));
        Assert.Equal(0, _storage.ClusterRetainedBytes("operator-topic"));
        Assert.Contains(await _usage.ListAsync(CancellationToken.None), r => r is { TenantId: "acme", BrokerId: Self, RetainedBytes: 100 });
    }

    [Fact]
    public async Task ADeadBrokersRowStopsCountingOnceItsPartitionsHaveOtherLeadersOrNone()
    {
        _snapshot = Snapshot(("acme.orders", 0, 2), ("acme.orders", 1, 3));
        await _usage.WriteAsync("acme", 2, 300, DateTimeOffset.UtcNow, CancellationToken.None);
        await _usage.WriteAsync("acme", 3, 600, DateTimeOffset.UtcNow, CancellationToken.None);
        await _storage.RunOnceAsync(CancellationToken.None);
        Assert.Equal(900, _storage.ClusterRetainedBytes("acme"));

        // Broker 3 died: its partition is leaderless (no live ISR member); its row is still in the table.
        _snapshot = Snapshot(("acme.orders", 0, 2), ("acme.orders", 1, PartitionState.NoLeader));
        await _storage.RunOnceAsync(CancellationToken.None);
        Assert.Equal(300, _storage.ClusterRetainedBytes("acme"));
    }

    [Fact]
    public async Task OnlyChangedFiguresAreWrittenAndAFigureDroppingToNothingIsWrittenAsZero()
    {
        _snapshot = Snapshot(("acme.orders", 0, Self), ("beta.events", 0, Self));
        _measured["acme.orders"] = 100;
        _measured["beta.events"] = 50;
        await _storage.RunOnceAsync(CancellationToken.None);
        Assert.Equal(2, _usage.Writes);

        await _storage.RunOnceAsync(CancellationToken.None);
        Assert.Equal(2, _usage.Writes);

        _measured["acme.orders"] = 150;
        await _storage.RunOnceAsync(CancellationToken.None);
        Assert.Equal(3, _usage.Writes);

        // Leadership of beta's partition moved away: nothing of beta is measured here any more.
        _measured.Remove("beta.events");
        await _storage.RunOnceAsync(CancellationToken.None);
        Assert.Equal(4, _usage.Writes);
        Assert.Contains(await _usage.ListAsync(CancellationToken.None), r => r is { TenantId: "beta", BrokerId: Self, RetainedBytes: 0 });

        await _storage.RunOnceAsync(CancellationToken.None);
        Assert.Equal(4, _usage.Writes);
    }

    [Fact]
    public async Task ATenantAtItsLimitIsRefusedWithPolicyViolationNamingTheLimitAndOthersAreNot()
    {
        _snapshot = Snapshot(("acme.orders", 0, Self), ("beta.events", 0, Self));
        _measured["acme.orders"] = 999;
        _measured["beta.events"] = 1_000_000;
        await _storage.RunOnceAsync(CancellationToken.None);
        Assert.Null(_storage.RefusalFor("acme.orders"));

        _measured["acme.orders"] = 1000;
        await _storage.RunOnceAsync(CancellationToken.None);
        var refusal = _storage.RefusalFor("acme.orders");
        Assert.NotNull(refusal);
        Assert.Equal(ErrorCode.PolicyViolation, refusal.Error);
        Assert.Equal("Tenant acme has reached its limit of 1000 retained bytes (using 1000); delete records or topics, or ask for a higher limit", refusal.Message);
        Assert.Same(refusal, _storage.RefusalFor("acme.other"));
        Assert.Null(_storage.RefusalFor("beta.events"));
        Assert.Null(_storage.RefusalFor("acmeorders"));
        Assert.Null(_storage.RefusalFor("acme-two.orders"));

        // A higher limit lets the tenant through from the next tick.
        await _tenantStore.UpdateAsync("acme", t => t with { Limits = t.Limits with { MaxRetainedBytes = 2000 } }, CancellationToken.None);
        await _tenants.RefreshAsync(CancellationToken.None);
        await _storage.RunOnceAsync(CancellationToken.None);
        Assert.Null(_storage.RefusalFor("acme.orders"));
    }

    [Fact]
    public async Task ATableOutageKeepsTheLastFiguresAndTheLimitInForce()
    {
        _snapshot = Snapshot(("acme.orders", 0, Self), ("acme.orders", 1, 2));
        _measured["acme.orders"] = 600;
        await _usage.WriteAsync("acme", 2, 500, DateTimeOffset.UtcNow, CancellationToken.None);
        await _storage.RunOnceAsync(CancellationToken.None);
        Assert.Equal(1100, _storage.ClusterRetainedBytes("acme"));

        _usage.Failure = new InvalidOperationException("Table storage is out of reach");
        _measured["acme.orders"] = 700;
        await _storage.RunOnceAsync(CancellationToken.None);
        await _storage.RunOnceAsync(CancellationToken.None);
        Assert.Equal(1200, _storage.ClusterRetainedBytes("acme"));
        Assert.NotNull(_storage.RefusalFor("acme.orders"));

        _usage.Failure = null;
        await _storage.RunOnceAsync(CancellationToken.None);
        Assert.Contains(await _usage.ListAsync(CancellationToken.None), r => r is { TenantId: "acme", BrokerId: Self, RetainedBytes: 700 });
    }

    [Fact]
    public async Task ARowOfADeletedTenantIsRemoved()
    {
        await _usage.WriteAsync("gone", Self, 10, DateTimeOffset.UtcNow, CancellationToken.None);
        await _storage.RunOnceAsync(CancellationToken.None);
        Assert.DoesNotContain(await _usage.ListAsync(CancellationToken.None), r => r.TenantId == "gone");
    }

    private static Tenant Tenant(string id, long? maxRetainedBytes) =>
        new(id, id, TenantState.Active, "cluster-" + id, new TenantLimits(MaxRetainedBytes: maxRetainedBytes), DateTimeOffset.UtcNow);

    private static MetadataSnapshot Snapshot(params (string Topic, int Partition, int Leader)[] partitions) =>
        new("cluster", 1, [], partitions: [.. partitions.Select(p => new PartitionState(p.Topic, p.Partition, [1, 2, 3], p.Leader, 1, [1, 2, 3], 1))]);
}
