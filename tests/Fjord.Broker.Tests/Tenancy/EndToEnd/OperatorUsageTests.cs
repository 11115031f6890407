using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Security.Quotas;
using Fjord.Security.Tenancy;
using Fjord.Testing;

namespace Fjord.Broker.Tests.Tenancy.EndToEnd;

/// <summary>
/// An operator asks a broker over its HTTP endpoint what a tenant is using right now against each limit and quota,
/// and who was throttled by what.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class OperatorUsageTests(TenantClusterFixture fixture) : IClassFixture<TenantClusterFixture>
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task TheUsageReportShowsEachLimitWithItsUseAndEachQuotaWithItsThrottles()
    {
        var tenant = await fixture.TenantAsync("watched", new TenantLimits(MaxTopics: 5, MaxPartitions: 10, MaxRetainedBytes: 64L << 20, MaxConnections: 8));
        var id = tenant.Tenant.Id;
        using (var admin = fixture.TenantAdmin(tenant))
            await admin.CreateTopicsAsync([new TopicSpecification { Name = "metered", NumPartitions = 3, ReplicationFactor = 1 }]);

        // A producer far above a small tenant quota, so this broker throttles it and says so.
        var quotas = fixture.Cluster.InProcess().Quotas!;
        await quotas.Store.AlterAsync(ClientQuotaEntity.Of((ClientQuotaEntity.Tenant, id)), [new(ClientQuotaKeys.ProducerByteRate, 64 * 1024)], CancellationToken.None);
        await quotas.Cache!.RefreshAsync(CancellationToken.None);
        using var producer = fixture.TenantProducer(tenant, c => c.ClientId = "metered-app");
        var payload = new string('x', 16 * 1024);
        for (var i = 0; i < 40; i++) await producer.ProduceAsync("metered", new Message<string, string> { Key = "k", Value = payload });

        JsonDocument? report = null;
        await Poll.UntilAsync(async () =>
        {
            report?.Dispose();
            report = await GetAsync($"v1/tenants/{id}/usage");
            return Throttles(report.RootElement) > 0 && report.RootElement.GetProperty("retainedBytes").GetProperty("usedOnThisBroker").GetInt64() >= 40 * 16 * 1024;
        }, TimeSpan.FromSeconds(30), "the report to show the throttled producer and the bytes it wrote");

        using var finalReport = report!;
        var root = finalReport.RootElement;
        Assert.Equal(id, root.GetProperty("tenant").GetString());
        Assert.Equal("Active", root.GetProperty("state").GetString());
        AssertLimit(root.GetProperty("topics"), 5, 1);
        AssertLimit(root.GetProperty("partitions"), 10, 3);
        Assert.Equal(64L << 20, root.GetProperty("retainedBytes").GetProperty("limit").GetInt64());
        var connections = root.GetProperty("connections");
        Assert.Equal(8, connections.GetProperty("limit").GetInt64());
        Assert.Equal(8, connections.GetProperty("limitOnThisBroker").GetInt64());
        Assert.True(connections.GetProperty("usedOnThisBroker").GetInt64() >= 1);

        var produce = root.GetProperty("quotas").EnumerateArray().Single(q => q.GetProperty("quotaKey").GetString() == ClientQuotaKeys.ProducerByteRate);
        Assert.Equal(id + ".admin", produce.GetProperty("user").GetString());
        Assert.Equal("metered-app", produce.GetProperty("clientId").GetString());
        Assert.Equal(64 * 1024, produce.GetProperty("tenantQuota").GetDouble());
        Assert.True(produce.GetProperty("throttledByTenantCap").GetInt64() > 0);

        // The same figures per client, narrowed to the user.
        using var byUser = await GetAsync($"v1/quotas/usage?user={id}.admin");
        Assert.Contains(byUser.RootElement.EnumerateArray(), q => q.GetProperty("throttles").GetInt64() > 0);
    }

    [Fact]
    public async Task AnUnknownTenantIsANotFoundProblem()
    {
        using var response = await Http.GetAsync(new Uri(fixture.OperatorEndpoint, "v1/tenants/no-such-tenant/usage"));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("no-such-tenant", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    private async Task<JsonDocument> GetAsync(string path)
    {
        using var response = await Http.GetAsync(new Uri(fixture.OperatorEndpoint, path));
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    }

    private static long Throttles(JsonElement report) =>
        report.GetProperty("quotas").EnumerateArray().Sum(q => q.GetProperty("throttles").GetInt64());

    private static void AssertLimit(JsonElement usage, long limit, long used)
    {
        Assert.Equal(limit, usage.GetProperty("limit").GetInt64());
        Assert.Equal(used, usage.GetProperty("used").GetInt64());
    }
}
