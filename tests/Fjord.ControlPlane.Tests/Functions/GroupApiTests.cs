using System.Net;
using System.Text.Json;
using Fjord.Cluster;
using Fjord.ControlPlane.Tests.OpenApi;
using Fjord.Security.Tenancy;
using Json.Schema;

namespace Fjord.ControlPlane.Tests.Functions;

/// <summary>
/// The consumer-group resource through the local host, over offsets and partition stats written into the tables the
/// way the coordinator and the leaders write them, so the expected figures are known exactly.
/// </summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class GroupApiTests(ControlPlaneFixture plane)
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static string NewId() => "g" + Guid.NewGuid().ToString("N")[..10];

    private async Task<string> TenantAsync()
    {
        var id = NewId();
        await plane.Tenants.InitializeAsync(None);
        Assert.True(await plane.Tenants.CreateAsync(new Tenant(id, id, TenantState.Active, TenantClusterIds.New(), TenantLimits.None, DateTimeOffset.UtcNow), None));
        return id;
    }

    private async Task<(TableOffsetStore Offsets, TablePartitionStatsStore Stats)> StoresAsync()
    {
        var offsets = new TableOffsetStore(plane.Service, plane.OffsetsTable);
        await offsets.InitializeAsync(None);
        var stats = new TablePartitionStatsStore(plane.Service, plane.PartitionStatsTable);
        await stats.InitializeAsync(None);
        return (offsets, stats);
    }

    private static LogSample At(DateTimeOffset now, int secondsAgo, long offset) => new(now.AddSeconds(-secondsAgo).ToUnixTimeMilliseconds(), offset);

    /// <summary>
    /// Partition 0: 10000 records produced at 100/s over 100 s, the group at 4000 after consuming 2000 in the last minute
    /// (33/s): a lag of 6000, about 60 s old, and a finite forecast. Partition 1: idle and fully consumed: no lag, never.
    /// </summary>
    private async Task<string> SeedBillingAsync(string tenant, DateTimeOffset now)
    {
        var (offsets, stats) = await StoresAsync();
        var topicId = Guid.NewGuid();
        await plane.Metadata.CreateTopicAsync(new TopicMetadata(tenant + ".orders", topicId, 2, 1, new Dictionary<string, string> { ["retention.ms"] = "3600000" }), None);
        await stats.WriteAsync(
        [
            new PartitionStats(tenant + ".orders", topicId, 0, 0, 0, 0, 0, 10_000, 10_000, 1_000_000, now.AddSeconds(-1),
                [At(now, 100, 0), At(now, 50, 5000), At(now, 1, 10_000)]),
            new PartitionStats(tenant + ".orders", topicId, 1, 0, 0, 0, 0, 500, 500, 50_000, now.AddSeconds(-150), [At(now, 200, 0), At(now, 150, 500)]),
        ], None);
        var group = tenant + ".billing";
        await offsets.CommitAsync(group, [new CommittedOffset(tenant + ".orders", 0, 2000, 0, null, now.AddSeconds(-60)), new CommittedOffset(tenant + ".orders", 1, 500, 0, null, now.AddSeconds(-60))], None);
        await offsets.CommitAsync(group, [new CommittedOffset(tenant + ".orders", 0, 4000, 0, null, now.AddSeconds(-20))], None);
        return group;
    }

    [Fact]
    public async Task AGroupsLagShowsEachPartitionsLagAgeRatesAndTheEarliestForecastLoss()
    {
        using var client = plane.Client(plane.OperatorKey);
        var tenant = await TenantAsync();
        await SeedBillingAsync(tenant, DateTimeOffset.UtcNow);

        var lag = await ApiCall.SendAsync(client, HttpMethod.Get, $"/api/v1/tenants/{tenant}/groups/billing/lag");
        lag.AssertStatus(HttpStatusCode.OK);
        var body = lag.Json;
        Assert.Equal("billing", body.GetProperty("group").GetString());
        Assert.Equal("Unknown", body.GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("members").ValueKind);
        Assert.Equal(6000, body.GetProperty("totalLag").GetInt64());

        var partitions = body.GetProperty("partitions").EnumerateArray().ToList();
        Assert.Equal(2, partitions.Count);
        var behind = partitions[0];
        Assert.Equal("orders", behind.GetProperty("topic").GetString());
        Assert.Equal(4000, behind.GetProperty("committedOffset").GetInt64());
        Assert.Equal(10_000, behind.GetProperty("logEndOffset").GetInt64());
        Assert.Equal(6000, behind.GetProperty("lag").GetInt64());
        Assert.InRange(behind.GetProperty("lagSeconds").GetDouble(), 59, 65);
        Assert.InRange(behind.GetProperty("produceRate").GetDouble(), 95, 101);
        Assert.InRange(behind.GetProperty("consumeRate").GetDouble(), 30, 35);
        var forecast = behind.GetProperty("forecast");
        Assert.Equal("expected", forecast.GetProperty("status").GetString());
        Assert.Equal("retention.ms", forecast.GetProperty("limit").GetString());
        // Backlog of 6000 at 33/s: 180 s; then the age grows by 2/3 s a second from there to 3600 s: about 5300 s.
        Assert.InRange(forecast.GetProperty("inSeconds").GetDouble(), 4800, 5800);

        var idle = partitions[1];
        Assert.Equal(0, idle.GetProperty("lag").GetInt64());
        Assert.Equal(0, idle.GetProperty("lagSeconds").GetDouble());
        Assert.Equal("never", idle.GetProperty("forecast").GetProperty("status").GetString());

        Assert.Equal("expected", body.GetProperty("earliestForecast").GetProperty("status").GetString());
        Assert.Equal("orders", body.GetProperty("earliestForecastTopic").GetString());
        Assert.Equal(0, body.GetProperty("earliestForecastPartition").GetInt32());
    }

    [Fact]
    public async Task ACommittedOffsetBelowTheLogStartIsReportedAsLosingWithTheRecordsLost()
    {
        using var client = plane.Client(plane.OperatorKey);
        var tenant = await TenantAsync();
        var (offsets, stats) = await StoresAsync();
        var now = DateTimeOffset.UtcNow;
        var topicId = Guid.NewGuid();
        await plane.Metadata.CreateTopicAsync(new TopicMetadata(tenant + ".events", topicId, 1, 1, new Dictionary<string, string>()), None);
        await stats.WriteAsync([new PartitionStats(tenant + ".events", topicId, 0, 0, 0, 700, 700, 1000, 1000, 30_000, now, [At(now, 30, 1000)])], None);
        await offsets.CommitAsync(tenant + ".late", [new CommittedOffset(tenant + ".events", 0, 250, 0, null, now.AddSeconds(-30))], None);

        var forecast = (await ApiCall.SendAsync(client, HttpMethod.Get, $"/api/v1/tenants/{tenant}/groups/late/lag")).Json.GetProperty("earliestForecast");
        Assert.Equal("losing", forecast.GetProperty("status").GetString());
        Assert.Equal(450, forecast.GetProperty("lostRecords").GetInt64());
    }

    [Fact]
    public async Task TheListShowsTheTenantsGroupsActiveAndInactiveAndNoOtherTenants()
    {
        using var client = plane.Client(plane.OperatorKey);
        var tenant = await TenantAsync();
        var other = await TenantAsync();
        var now = DateTimeOffset.UtcNow;
        await SeedBillingAsync(tenant, now);
        await SeedBillingAsync(other, now);
        var (offsets, _) = await StoresAsync();
        // A group whose members all left: the coordinator's last record has none.
        await offsets.SaveGroupAsync(new GroupRecord(tenant + ".idle", "consumer", 3, null, null, now, []), None);

        var page = await ApiCall.SendAsync(client, HttpMethod.Get, $"/api/v1/tenants/{tenant}/groups?limit=1");
        page.AssertStatus(HttpStatusCode.OK);
        var first = page.Json.GetProperty("items").EnumerateArray().Single();
        Assert.Equal("billing", first.GetProperty("group").GetString());
        Assert.Equal(6000, first.GetProperty("totalLag").GetInt64());
        Assert.Equal(2, first.GetProperty("partitions").GetInt32());
        var next = page.Json.GetProperty("next").GetString();
        Assert.NotNull(next);

        var second = await ApiCall.SendAsync(client, HttpMethod.Get, $"/api/v1/tenants/{tenant}/groups?limit=1&continuation={next}");
        var idle = second.Json.GetProperty("items").EnumerateArray().Single();
        Assert.Equal("idle", idle.GetProperty("group").GetString());
        Assert.Equal("Empty", idle.GetProperty("state").GetString());
        Assert.Equal(0, idle.GetProperty("members").GetInt32());
        Assert.Equal(JsonValueKind.Null, second.Json.GetProperty("next").ValueKind);
    }

    [Fact]
    public async Task UnknownGroupsAndTenantsAre404AndMalformedIdsAndPagingAre400()
    {
        using var client = plane.Client(plane.OperatorKey);
        var tenant = await TenantAsync();
        Assert.Contains("does not exist", (await ApiCall.SendAsync(client, HttpMethod.Get, $"/api/v1/tenants/{tenant}/groups/nobody/lag")).AssertProblem(HttpStatusCode.NotFound),
            StringComparison.Ordinal);
        (await ApiCall.SendAsync(client, HttpMethod.Get, $"/api/v1/tenants/{NewId()}/groups")).AssertProblem(HttpStatusCode.NotFound);
        (await ApiCall.SendAsync(client, HttpMethod.Get, $"/api/v1/tenants/{NewId()}/groups/billing/lag")).AssertProblem(HttpStatusCode.NotFound);
        (await ApiCall.SendAsync(client, HttpMethod.Get, "/api/v1/tenants/Not_A_Tenant!/groups")).AssertProblem(HttpStatusCode.BadRequest);
        (await ApiCall.SendAsync(client, HttpMethod.Get, $"/api/v1/tenants/{tenant}/groups/a%01b/lag")).AssertProblem(HttpStatusCode.BadRequest);
        (await ApiCall.SendAsync(client, HttpMethod.Get, $"/api/v1/tenants/{tenant}/groups/{new string('g', 300)}/lag")).AssertProblem(HttpStatusCode.BadRequest);
        (await ApiCall.SendAsync(client, HttpMethod.Get, $"/api/v1/tenants/{tenant}/groups?limit=0")).AssertProblem(HttpStatusCode.BadRequest);
        (await ApiCall.SendAsync(client, HttpMethod.Get, $"/api/v1/tenants/{tenant}/groups?continuation=%%%")).AssertProblem(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task ATenantKeyReadsItsOwnGroupsOnlyAndExpiredOrMissingKeysNone()
    {
        var tenant = await TenantAsync();
        var other = await TenantAsync();
        await SeedBillingAsync(tenant, DateTimeOffset.UtcNow);
        await SeedBillingAsync(other, DateTimeOffset.UtcNow);
        var key = (await plane.ApiKeys.CreateTenantKeyAsync(tenant, TimeSpan.FromHours(1), "groups test", None)).Secret;
        using var client = plane.Client(key);
        (await ApiCall.SendAsync(client, HttpMethod.Get, $"/api/v1/tenants/{tenant}/groups/billing/lag")).AssertStatus(HttpStatusCode.OK);
        (await ApiCall.SendAsync(client, HttpMethod.Get, $"/api/v1/tenants/{tenant}/groups")).AssertStatus(HttpStatusCode.OK);
        (await ApiCall.SendAsync(client, HttpMethod.Get, $"/api/v1/tenants/{other}/groups/billing/lag")).AssertProblem(HttpStatusCode.Forbidden);
        (await ApiCall.SendAsync(client, HttpMethod.Get, $"/api/v1/tenants/{other}/groups")).AssertProblem(HttpStatusCode.Forbidden);

        using var expired = plane.Client(await plane.ExpiredKeyAsync(tenant));
        (await ApiCall.SendAsync(expired, HttpMethod.Get, $"/api/v1/tenants/{tenant}/groups")).AssertProblem(HttpStatusCode.Unauthorized);
        using var anonymous = plane.Client(null);
        (await ApiCall.SendAsync(anonymous, HttpMethod.Get, $"/api/v1/tenants/{tenant}/groups/billing/lag")).AssertProblem(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task WhatTheGroupApiAnswersValidatesAgainstTheOpenApiDocument()
    {
        var document = await OpenApiTests.FetchAsync(plane);
        var operations = document.Operations().ToDictionary(o => o.Operation["operationId"]!.GetValue<string>(), o => o.Operation);
        using var client = plane.Client(plane.OperatorKey);
        var tenant = await TenantAsync();
        await SeedBillingAsync(tenant, DateTimeOffset.UtcNow);
        var (offsets, _) = await StoresAsync();
        await offsets.SaveGroupAsync(new GroupRecord(tenant + ".idle", "consumer", 1, null, null, DateTimeOffset.UtcNow, []), None);

        foreach (var (operationId, path) in new[]
        {
            ("GetGroupLag", $"/api/v1/tenants/{tenant}/groups/billing/lag"),
            ("GetGroupLag", $"/api/v1/tenants/{tenant}/groups/idle/lag"),
            ("GetGroupLag", $"/api/v1/tenants/{tenant}/groups/nobody/lag"),
            ("ListGroups", $"/api/v1/tenants/{tenant}/groups"),
            ("ListGroups", $"/api/v1/tenants/{tenant}/groups?limit=1"),
            ("ListGroups", $"/api/v1/tenants/{tenant}/groups?limit=-1"),
        })
        {
            var call = await ApiCall.SendAsync(client, HttpMethod.Get, path);
            var schema = document.ResponseSchema(operations[operationId], (int)call.Status, call.MediaType ?? "application/json");
            Assert.True(schema is not null, $"{operationId} answered {(int)call.Status} {call.MediaType}, which the document does not describe");
            var result = schema.Evaluate(JsonDocument.Parse(call.Body).RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
            Assert.True(result.IsValid, $"{operationId} {(int)call.Status}: {call.Body}");
        }
    }
}
