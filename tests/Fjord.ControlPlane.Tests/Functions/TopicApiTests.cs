using System.Diagnostics;
using System.Net;
using Fjord.Security.Tenancy;
using Xunit.Abstractions;

namespace Fjord.ControlPlane.Tests.Functions;

/// <summary>
/// The topic resource through the local host, read back from the metadata table. No controller runs here, so a
/// create answers 202 "creating"; the 201 path is covered end to end in Fjord.Broker.Tests.
/// </summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class TopicApiTests(ControlPlaneFixture plane, ITestOutputHelper output)
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static string NewId() => "t" + Guid.NewGuid().ToString("N")[..10];

    private async Task<string> TenantAsync(TenantLimits? limits = null)
    {
        var id = NewId();
        // The control plane creates its tables on its first request; a test may come first.
        await plane.Tenants.InitializeAsync(None);
        Assert.True(await plane.Tenants.CreateAsync(new Tenant(id, id, TenantState.Active, TenantClusterIds.New(), limits ?? TenantLimits.None, DateTimeOffset.UtcNow), None));
        return id;
    }

    [Fact]
    public async Task ATopicIsCreatedIdempotentlyReadGrownReconfiguredAndDeleted()
    {
        using var client = plane.Client(plane.OperatorKey);
        var id = await TenantAsync();
        var path = $"/api/v1/tenants/{id}/topics/orders";
        const string Body = """{"partitions": 3, "replicationFactor": 1, "configs": {"remote.storage.enable": "true"}}""";

        var created = await ApiCall.SendAsync(client, HttpMethod.Put, path, Body);
        created.AssertStatus(HttpStatusCode.Accepted);
        Assert.Equal(path, created.Headers.Location?.OriginalString);
        Assert.Equal("creating", created.Json.GetProperty("state").GetString());
        Assert.Equal("orders", created.Json.GetProperty("name").GetString());
        var stored = await plane.Metadata.GetTopicAsync(id + ".orders", None);
        Assert.Equal(3, stored!.PartitionCount);
        Assert.Equal("true", stored.Configs["remote.storage.enable"]);

        var status = await ApiCall.SendAsync(client, HttpMethod.Get, created.Headers.Location!.OriginalString);
        status.AssertStatus(HttpStatusCode.OK);
        Assert.Equal("creating", status.Json.GetProperty("state").GetString());
        Assert.Equal(created.ETag, status.ETag);

        var again = await ApiCall.SendAsync(client, HttpMethod.Put, path, Body);
        again.AssertStatus(HttpStatusCode.OK);
        Assert.Equal(created.ETag, again.ETag);
        var version = await plane.Metadata.GetVersionAsync(None);
        var different = await ApiCall.SendAsync(client, HttpMethod.Put, path, """{"partitions": 4, "replicationFactor": 1}""");
        Assert.Contains("already exists", different.AssertProblem(HttpStatusCode.Conflict), StringComparison.Ordinal);
        (await ApiCall.SendAsync(client, HttpMethod.Put, path, Body, h => h.TryAddWithoutValidation("If-None-Match", "*"))).AssertProblem(HttpStatusCode.PreconditionFailed);
        Assert.Equal(version, await plane.Metadata.GetVersionAsync(None));

        var list = await ApiCall.SendAsync(client, HttpMethod.Get, $"/api/v1/tenants/{id}/topics");
        list.AssertStatus(HttpStatusCode.OK);
        Assert.Equal("orders", list.Json.GetProperty("items")[0].GetProperty("name").GetString());

        var stale = await ApiCall.SendAsync(client, HttpMethod.Post, path + "/partitions", """{"count": 5}""", h => h.TryAddWithoutValidation("If-Match", "\"0000\""));
        stale.AssertProblem(HttpStatusCode.PreconditionFailed);
        var grown = await ApiCall.SendAsync(client, HttpMethod.Post, path + "/partitions", """{"count": 5}""", h => h.TryAddWithoutValidation("If-Match", created.ETag));
        grown.AssertStatus(HttpStatusCode.OK);
        Assert.Equal(5, grown.Json.GetProperty("partitions").GetInt32());
        Assert.NotEqual(created.ETag, grown.ETag);
        Assert.Equal(5, (await plane.Metadata.GetTopicAsync(id + ".orders", None))!.PartitionCount);

        var configs = await ApiCall.SendAsync(client, HttpMethod.Put, path + "/configs", """{"configs": {"retention.ms": "3600000"}}""");
        configs.AssertStatus(HttpStatusCode.OK);
        var readConfigs = await ApiCall.SendAsync(client, HttpMethod.Get, path + "/configs");
        Assert.Equal("3600000", readConfigs.Json.GetProperty("configs").GetProperty("retention.ms").GetString());
        Assert.False(readConfigs.Json.GetProperty("configs").TryGetProperty("remote.storage.enable", out _));
        (await ApiCall.SendAsync(client, HttpMethod.Get, path + "/partitions")).AssertStatus(HttpStatusCode.OK);

        (await ApiCall.SendAsync(client, HttpMethod.Delete, path, headers: h => h.TryAddWithoutValidation("If-Match", created.ETag))).AssertProblem(HttpStatusCode.PreconditionFailed);
        (await ApiCall.SendAsync(client, HttpMethod.Delete, path, headers: h => h.TryAddWithoutValidation("If-Match", configs.ETag))).AssertStatus(HttpStatusCode.NoContent);
        Assert.Null(await plane.Metadata.GetTopicAsync(id + ".orders", None));
        (await ApiCall.SendAsync(client, HttpMethod.Get, path)).AssertProblem(HttpStatusCode.NotFound);
        (await ApiCall.SendAsync(client, HttpMethod.Delete, path)).AssertProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ListingIsPaginatedAndShowsOnlyTheTenantsTopics()
    {
        using var client = plane.Client(plane.OperatorKey);
        var id = await TenantAsync();
        var other = await TenantAsync();
        foreach (var name in new[] { "b", "a", "c" })
            (await ApiCall.SendAsync(client, HttpMethod.Put, $"/api/v1/tenants/{id}/topics/{name}", """{"partitions": 1, "replicationFactor": 1}""")).AssertStatus(HttpStatusCode.Accepted);
        (await ApiCall.SendAsync(client, HttpMethod.Put, $"/api/v1/tenants/{other}/topics/z", """{"partitions": 1, "replicationFactor": 1}""")).AssertStatus(HttpStatusCode.Accepted);

        var names = new List<string>();
        string? next = null;
        do
        {
            var page = await ApiCall.SendAsync(client, HttpMethod.Get, $"/api/v1/tenants/{id}/topics?limit=2" + (next is null ? "" : "&continuation=" + next));
            page.AssertStatus(HttpStatusCode.OK);
            names.AddRange(page.Json.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("name").GetString()!));
            next = page.Json.GetProperty("next").GetString();
        }
        while (next is not null);

        Assert.Equal(new[] { "a", "b", "c" }, names);
        (await ApiCall.SendAsync(client, HttpMethod.Get, $"/api/v1/tenants/{id}/topics?continuation=%%%")).AssertProblem(HttpStatusCode.BadRequest);
        (await ApiCall.SendAsync(client, HttpMethod.Get, $"/api/v1/tenants/{id}/topics?limit=0")).AssertProblem(HttpStatusCode.BadRequest);
    }

    public static TheoryData<string, string, HttpStatusCode, string> BadCreates() => new()
    {
        { "bad$name", """{"partitions": 1, "replicationFactor": 1}""", HttpStatusCode.UnprocessableEntity, "contains '$'" },
        { new string('x', 238), """{"partitions": 1, "replicationFactor": 1}""", HttpStatusCode.UnprocessableEntity, "longer than 237 characters" },
        { "orders", """{"partitions": 0, "replicationFactor": 1}""", HttpStatusCode.UnprocessableEntity, "Number of partitions must be larger than 0" },
        { "orders", """{"partitions": -1, "replicationFactor": 1}""", HttpStatusCode.UnprocessableEntity, "Number of partitions must be larger than 0" },
        { "orders", """{"partitions": 9, "replicationFactor": 1}""", HttpStatusCode.Conflict, "would exceed its limit of 8 partitions" },
        { "orders", """{"partitions": 1, "replicationFactor": 3}""", HttpStatusCode.UnprocessableEntity, "only 1 broker(s) are registered" },
        { "orders", """{"partitions": 1, "replicationFactor": 1, "configs": {"colour": "blue"}}""", HttpStatusCode.UnprocessableEntity, "Unknown or unsupported topic config colour" },
        { "orders", """{"partitions": 1, "replicationFactor": 1, "configs": {"segment.bytes": "1"}}""", HttpStatusCode.UnprocessableEntity, "Invalid value 1 for segment.bytes" },
        { "orders", """{"partitions": 1}""", HttpStatusCode.BadRequest, "replicationFactor" },
        { "orders", """{"partitions": "1", "replicationFactor": 1}""", HttpStatusCode.BadRequest, "partitions" },
        { "orders", """{"partitions": 1, "replicationFactor": 1, "retention": 5}""", HttpStatusCode.BadRequest, "Unknown field retention" },
    };

    [Theory]
    [MemberData(nameof(BadCreates))]
    public async Task ABadCreateIsAProblemThatSaysWhatToFixAndStoresNothing(string name, string body, HttpStatusCode status, string reason)
    {
        using var client = plane.Client(plane.OperatorKey);
        // An 11-character tenant id: a prefix of 12, so names may be 237 long.
        var id = await TenantAsync(new TenantLimits(MaxPartitions: 8));
        var version = await plane.Metadata.GetVersionAsync(None);

        var refused = await ApiCall.SendAsync(client, HttpMethod.Put, $"/api/v1/tenants/{id}/topics/{name}", body);

        Assert.Contains(reason, refused.AssertProblem(status), StringComparison.Ordinal);
        Assert.Equal(version, await plane.Metadata.GetVersionAsync(None));
        Assert.DoesNotContain(await plane.Metadata.ListTopicsAsync(None), t => t.Name.StartsWith(id + ".", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ATenantKeyManagesItsOwnTopicsButNotAnotherTenants()
    {
        var id = await TenantAsync();
        var other = await TenantAsync();
        var key = (await plane.ApiKeys.CreateTenantKeyAsync(id, TimeSpan.FromHours(1), "topics test", None)).Secret;
        using var client = plane.Client(key);

        (await ApiCall.SendAsync(client, HttpMethod.Put, $"/api/v1/tenants/{id}/topics/mine", """{"partitions": 1, "replicationFactor": 1}""")).AssertStatus(HttpStatusCode.Accepted);
        var version = await plane.Metadata.GetVersionAsync(None);
        (await ApiCall.SendAsync(client, HttpMethod.Put, $"/api/v1/tenants/{other}/topics/theirs", """{"partitions": 1, "replicationFactor": 1}""")).AssertProblem(HttpStatusCode.Forbidden);
        (await ApiCall.SendAsync(client, HttpMethod.Get, $"/api/v1/tenants/{other}/topics")).AssertProblem(HttpStatusCode.Forbidden);
        (await ApiCall.SendAsync(client, HttpMethod.Delete, $"/api/v1/tenants/{id}/topics/mine", headers: null)).AssertStatus(HttpStatusCode.NoContent);
        Assert.Equal(version + 1, await plane.Metadata.GetVersionAsync(None));
        using var anonymous = plane.Client(null);
        (await ApiCall.SendAsync(anonymous, HttpMethod.Get, $"/api/v1/tenants/{id}/topics")).AssertProblem(HttpStatusCode.Unauthorized);
        (await ApiCall.SendAsync(client, HttpMethod.Get, "/api/v1/tenants/NOT_AN_ID/topics")).AssertProblem(HttpStatusCode.BadRequest);
    }

    /// <summary>Latency through the local host against Azurite, printed for the report; nothing is asserted on it.</summary>
    [Fact]
    public async Task CreateAndListLatencyIsMeasured()
    {
        const int Rounds = 40;
        using var client = plane.Client(plane.OperatorKey);
        var id = await TenantAsync();
        var creates = new List<double>(Rounds);
        var lists = new List<double>(Rounds);
        // One untimed round first: the first request pays for JIT and the host's table creation.
        (await ApiCall.SendAsync(client, HttpMethod.Put, $"/api/v1/tenants/{id}/topics/warm-up", """{"partitions": 1, "replicationFactor": 1}""")).AssertStatus(HttpStatusCode.Accepted);
        (await ApiCall.SendAsync(client, HttpMethod.Get, $"/api/v1/tenants/{id}/topics")).AssertStatus(HttpStatusCode.OK);
        for (var i = 0; i < Rounds; i++)
        {
            var started = Stopwatch.GetTimestamp();
            var created = await ApiCall.SendAsync(client, HttpMethod.Put, $"/api/v1/tenants/{id}/topics/t{i}", """{"partitions": 1, "replicationFactor": 1}""");
            // Every create here waits out the leader wait, since no controller runs: take it off to show the API's own cost.
            creates.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds - ControlPlaneFixture.LeaderWait.TotalMilliseconds);
            created.AssertStatus(HttpStatusCode.Accepted);
            started = Stopwatch.GetTimestamp();
            (await ApiCall.SendAsync(client, HttpMethod.Get, $"/api/v1/tenants/{id}/topics")).AssertStatus(HttpStatusCode.OK);
            lists.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        output.WriteLine($"create-topic (less the {ControlPlaneFixture.LeaderWait.TotalMilliseconds} ms leader wait): p50 {Percentile(creates, 0.5):F1} ms, p99 {Percentile(creates, 0.99):F1} ms");
        output.WriteLine($"list-topics (up to {Rounds} topics): p50 {Percentile(lists, 0.5):F1} ms, p99 {Percentile(lists, 0.99):F1} ms");
    }

    private static double Percentile(List<double> samples, double p)
    {
        var sorted = samples.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
    }
}
