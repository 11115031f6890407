using System.Collections.Concurrent;
using Azure.Data.Tables;
using Fjord.Security.Tenancy;
using Fjord.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Fjord.Security.Tests.Tenancy;

/// <summary>The control plane writes, a broker's cache serves: each with its own store instance over one table.</summary>
public sealed class TenantCacheOnTableStorageTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task ATenantWrittenElsewhereIsServedAndItsSuspensionAnnounced()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var ct = timeout.Token;
        var table = $"t{Guid.NewGuid():N}";
        var controlPlane = new TableTenantStore(new TableServiceClient(azurite.ConnectionString), table);
        var broker = new TableTenantStore(new TableServiceClient(azurite.ConnectionString), table);
        await controlPlane.InitializeAsync(ct);
        var time = new FakeTimeProvider();
        await using var cache = new TenantCache(broker, PollInterval, time, NullLogger.Instance);
        var deactivated = new ConcurrentQueue<string>();
        cache.TenantDeactivated += deactivated.Enqueue;
        await cache.StartAsync(ct);
        Assert.Empty(cache.Tenants);

        var acme = new Tenant("acme", "Acme", TenantState.Active, TenantClusterIds.New(), new TenantLimits(MaxTopics: 3), DateTimeOffset.UnixEpoch);
        await controlPlane.CreateAsync(acme, ct);
        await Poll.UntilAsync(() => Tick(time, () => cache.TryGet("acme", out _)), TimeSpan.FromSeconds(60), "acme in the broker's cache");
        Assert.True(cache.TryGet("acme", out var scope));
        Assert.Equal(acme, scope.Tenant);

        await controlPlane.UpdateAsync("acme", t => t with { State = TenantState.Suspended }, ct);
        await Poll.UntilAsync(() => Tick(time, () => !deactivated.IsEmpty), TimeSpan.FromSeconds(60), "acme's suspension on the broker");
        Assert.Equal(["acme"], deactivated);
    }

    private static bool Tick(FakeTimeProvider time, Func<bool> condition)
    {
        if (condition())
            return true;
        time.Advance(PollInterval);
        return false;
    }
}
