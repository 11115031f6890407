using System.Net;
using Azure.Data.Tables;
using Fjord.Cluster;

namespace Fjord.ControlPlane.Tests.Functions;

/// <summary>GET v1/cluster/status over HTTP: operator keys only, a strict detail parameter, and the brokers' own status rows shown.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class ClusterStatusApiTests(ControlPlaneFixture plane)
{
    private const string Route = "/api/v1/cluster/status";

    [Fact]
    public async Task NoKeyIs401AndATenantKeyIs403()
    {
        using (var anonymous = plane.Client(null))
            Assert.Contains("Bearer", (await ApiCall.SendAsync(anonymous, HttpMethod.Get, Route)).AssertProblem(HttpStatusCode.Unauthorized), StringComparison.Ordinal);

        var tenant = "s" + Guid.NewGuid().ToString("N")[..10];
        using (var setup = plane.Client(plane.OperatorKey))
            (await ApiCall.SendAsync(setup, HttpMethod.Put, $"/api/v1/tenants/{tenant}", "{}")).AssertStatus(HttpStatusCode.Created);
        var key = (await plane.ApiKeys.CreateTenantKeyAsync(tenant, TimeSpan.FromHours(1), "test", CancellationToken.None)).Secret;
        using var client = plane.Client(key);
        foreach (var path in new[] { Route, Route + "?detail=partitions" })
        {
            var detail = (await ApiCall.SendAsync(client, HttpMethod.Get, path)).AssertProblem(HttpStatusCode.Forbidden);
            Assert.Contains("operator", detail, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AnUnknownDetailIs400SayingWhatIsAccepted()
    {
        using var client = plane.Client(plane.OperatorKey);
        foreach (var path in new[] { Route + "?detail=brokers", Route + "?detail=partitions&detail=partitions", Route + "?detail=" })
            Assert.Contains("'partitions'", (await ApiCall.SendAsync(client, HttpMethod.Get, path)).AssertProblem(HttpStatusCode.BadRequest), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnOperatorSeesTheRegisteredBrokerWithWhatItsStatusRowSays()
    {
        var registered = (await plane.Metadata.ListBrokersAsync(CancellationToken.None)).Single(b => b.NodeId == 0);
        var store = new TableBrokerStatusStore(new TableServiceClient(plane.ConnectionString), plane.BrokerStatusTable);
        await store.InitializeAsync(CancellationToken.None);
        await store.WriteAsync(new BrokerStatus(0, registered.IncarnationId, "9.9.9-test", DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow,
            TimeSpan.FromMinutes(1), 7, 5, 1, new BrokerTierLag(4, 4096, DateTimeOffset.UtcNow.AddSeconds(-30), 2, "http-503-ServerBusy")), CancellationToken.None);

        using var client = plane.Client(plane.OperatorKey);
        var call = await ApiCall.SendAsync(client, HttpMethod.Get, Route + "?detail=partitions");

        call.AssertStatus(HttpStatusCode.OK);
        var broker = call.Json.GetProperty("brokers").EnumerateArray().Single(b => b.GetProperty("nodeId").GetInt32() == 0);
        Assert.Equal("PLAINTEXT://127.0.0.1:9092", broker.GetProperty("endpoints")[0].GetString());
        Assert.Equal("9.9.9-test", broker.GetProperty("version").GetString());
        Assert.Equal(7, broker.GetProperty("leaderPartitions").GetInt32());
        Assert.Equal(4, broker.GetProperty("tierLag").GetProperty("segments").GetInt32());
        Assert.Equal("http-503-ServerBusy", broker.GetProperty("tierLag").GetProperty("lastErrorKind").GetString());
        Assert.Contains(call.Json.GetProperty("health").GetString(), new[] { "healthy", "degraded", "unavailable" });
        Assert.Equal(System.Text.Json.JsonValueKind.Array, call.Json.GetProperty("unhealthyPartitions").ValueKind);

        var summary = await ApiCall.SendAsync(client, HttpMethod.Get, Route);
        summary.AssertStatus(HttpStatusCode.OK);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, summary.Json.GetProperty("unhealthyPartitions").ValueKind);
    }
}
