using Fjord.Cluster;
using Fjord.ControlPlane.Tests.Functions;
using Fjord.ControlPlane.Usage;
using Fjord.Security.Tenancy;
using Microsoft.Extensions.Time.Testing;

namespace Fjord.ControlPlane.Tests.Maintenance;

/// <summary>
/// The usage roll-up against Azurite: partition stats rows as the brokers' leaders write them, rolled up per tenant
/// and hour on a fake clock.
/// </summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class UsageRollupTests(ControlPlaneFixture plane)
{
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task UsageRollupSumsTheBrokersReportsPerTenantAndHour()
    {
        var ct = CancellationToken.None;
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 10, 2, 0, TimeSpan.Zero));
        var tenants = new TableTenantStore(plane.Service, "utenants" + _suffix);
        await tenants.InitializeAsync(ct);
        var metadata = new TableMetadataStore(plane.Service, "umeta" + _suffix);
        await metadata.InitializeAsync(ct);
        var stats = new TablePartitionStatsStore(plane.Service, "ustats" + _suffix);
        await stats.InitializeAsync(ct);
        var usage = new TenantUsageStore(plane.Service, "uusage" + _suffix);
        var rollup = new TenantUsageRollup(tenants, metadata, stats, usage, time);
        foreach (var id in new[] { "acme", "globex" })
            Assert.True(await tenants.CreateAsync(new Tenant(id, id, TenantState.Active, "cluster", TenantLimits.None, time.GetUtcNow()), ct));
        var orders = await TopicAsync(metadata, "acme.orders", 2);
        var audit = await TopicAsync(metadata, "acme.audit", 1);
        var globex = await TopicAsync(metadata, "globex.events", 1);
        // acme.orders p0: 1000 records, 100 000 bytes local from offset 200, log start 0: 200 tiered records at 100 bytes each.
        await stats.WriteAsync(
        [
            Row("acme.orders", orders, 0, logStart: 0, localStart: 200, end: 1000, bytes: 80_000, time),
            Row("acme.orders", orders, 1, 0, 0, 500, 50_000, time),
            Row("acme.audit", audit, 0, 0, 0, 10, 1_000, time),
            Row("globex.events", globex, 0, 0, 0, 7, 700, time),
        ], ct);

        // The first roll-up sets the baseline: records older than it cannot be placed in an hour.
        Assert.Equal(2, await rollup.RunAsync(ct));
        var first = Assert.Single(await usage.ListAsync("acme", time.GetUtcNow().AddHours(-1), ct));
        Assert.Equal(new TenantUsageHour(new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.Zero), 0, 80_000 + 20_000 + 50_000 + 1_000, 3, 2, time.GetUtcNow()), first);

        time.Advance(TimeSpan.FromMinutes(5));
        await stats.WriteAsync([Row("acme.orders", orders, 0, 0, 200, 1100, 90_000, time), Row("acme.orders", orders, 1, 0, 0, 550, 55_000, time)], ct);
        // A deleted topic's rows stay in the stats table; they are not the tenant's any more.
        await stats.WriteAsync([Row("acme.gone", Guid.NewGuid(), 0, 0, 0, 1_000_000, 1, time)], ct);
        await rollup.RunAsync(ct);
        time.Advance(TimeSpan.FromHours(1));
        await stats.WriteAsync([Row("acme.audit", audit, 0, 0, 0, 35, 3_500, time)], ct);
        await rollup.RunAsync(ct);

        var hours = await usage.ListAsync("acme", new DateTimeOffset(2026, 12, 7, 0, 0, 0, TimeSpan.Zero), ct);
        Assert.Equal([150L, 25L], hours.Select(h => h.RecordsIn));
        // p0 now holds 900 local records in 90 000 bytes: still 100 bytes a record, so its 200 tiered ones count 20 000.
        Assert.Equal(90_000 + 20_000 + 55_000 + 1_000, hours[0].RetainedBytes);
        Assert.Equal(90_000 + 20_000 + 55_000 + 3_500, hours[1].RetainedBytes);
        Assert.All(hours, h => Assert.Equal((3, 2), (h.Partitions, h.Topics)));
        var other = await usage.ListAsync("globex", new DateTimeOffset(2026, 12, 7, 0, 0, 0, TimeSpan.Zero), ct);
        Assert.Equal([0L, 0L], other.Select(h => h.RecordsIn));
        Assert.All(other, h => Assert.Equal(700, h.RetainedBytes));
    }

    [Fact]
    public void RecordsCountFromTheCursorAndANewTopicFromZero()
    {
        var kept = Guid.NewGuid();
        var created = Guid.NewGuid();
        Assert.Equal(0, TenantUsageStore.RecordsSince(null, new Dictionary<Guid, long> { [kept] = 100 }));
        Assert.Equal(30 + 5, TenantUsageStore.RecordsSince(new Dictionary<Guid, long> { [kept] = 70 }, new Dictionary<Guid, long> { [kept] = 100, [created] = 5 }));
        // A topic whose offsets went back was re-created under the same id's row: nothing negative is counted.
        Assert.Equal(0, TenantUsageStore.RecordsSince(new Dictionary<Guid, long> { [kept] = 70 }, new Dictionary<Guid, long> { [kept] = 10 }));
    }

    private static async Task<Guid> TopicAsync(TableMetadataStore metadata, string name, int partitions)
    {
        var id = Guid.NewGuid();
        Assert.Equal(CreateTopicOutcome.Created, await metadata.CreateTopicAsync(new TopicMetadata(name, id, partitions, 1, new Dictionary<string, string>()), CancellationToken.None));
        return id;
    }

    private static PartitionStats Row(string topic, Guid id, int partition, long logStart, long localStart, long end, long bytes, TimeProvider time) =>
        new(topic, id, partition, 0, 0, logStart, localStart, end, end, bytes, time.GetUtcNow(), []);
}
