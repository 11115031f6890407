using System.Net;
using Fjord.Security.Tenancy;

namespace Fjord.ControlPlane.Tests.Functions;

/// <summary>The tenant resource through the local host, over a real socket, read back from Table storage.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class TenantApiTests(ControlPlaneFixture plane)
{
    private static string NewId() => "t" + Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task ATenantIsCreatedReadSuspendedResumedLimitedAndDeleted()
    {
        using var client = plane.Client(plane.OperatorKey);
        var id = NewId();

        var created = await ApiCall.SendAsync(client, HttpMethod.Put, $"/api/v1/tenants/{id}",
            """{"displayName": "Acme", "limits": {"maxTopics": 5, "maxPartitions": null, "maxRetainedBytes": 1000000, "maxConnections": null}}""");
        created.AssertStatus(HttpStatusCode.Created);
        Assert.Equal($"/api/v1/tenants/{id}", created.Headers.Location?.OriginalString);
        Assert.Equal($"{id}.admin", created.Json.GetProperty("admin").GetProperty("username").GetString());
        Assert.Equal(32, created.Json.GetProperty("admin").GetProperty("password").GetString()!.Length);
        Assert.Equal("active", created.Json.GetProperty("state").GetString());
        var stored = await plane.Tenants.GetAsync(id, CancellationToken.None);
        Assert.Equal(new TenantLimits(MaxTopics: 5, MaxRetainedBytes: 1_000_000), stored!.Limits);
        Assert.Equal("Acme", stored.DisplayName);

        var got = await ApiCall.SendAsync(client, HttpMethod.Get, $"/api/v1/tenants/{id}");
        got.AssertStatus(HttpStatusCode.OK);
        Assert.Equal(created.ETag, got.ETag);
        Assert.False(got.Json.TryGetProperty("admin", out _));
        Assert.Equal(stored.ClusterId, got.Json.GetProperty("clusterId").GetString());

        var suspended = await ApiCall.SendAsync(client, HttpMethod.Post, $"/api/v1/tenants/{id}/suspend");
        suspended.AssertStatus(HttpStatusCode.OK);
        Assert.Equal("suspended", suspended.Json.GetProperty("state").GetString());
        Assert.Equal(TenantState.Suspended, (await plane.Tenants.GetAsync(id, CancellationToken.None))!.State);
        Assert.NotEqual(got.ETag, suspended.ETag);

        var resumed = await ApiCall.SendAsync(client, HttpMethod.Post, $"/api/v1/tenants/{id}/resume");
        resumed.AssertStatus(HttpStatusCode.OK);
        Assert.Equal(TenantState.Active, (await plane.Tenants.GetAsync(id, CancellationToken.None))!.State);

        var limited = await ApiCall.SendAsync(client, HttpMethod.Put, $"/api/v1/tenants/{id}/limits",
            """{"maxTopics": 10, "maxPartitions": 60, "maxRetainedBytes": null, "maxConnections": 100}""");
        limited.AssertStatus(HttpStatusCode.OK);
        Assert.Equal(60, limited.Json.GetProperty("limits").GetProperty("maxPartitions").GetInt32());
        Assert.Equal(new TenantLimits(10, 60, null, 100), (await plane.Tenants.GetAsync(id, CancellationToken.None))!.Limits);

        var deleting = await ApiCall.SendAsync(client, HttpMethod.Delete, $"/api/v1/tenants/{id}");
        deleting.AssertStatus(HttpStatusCode.Accepted);
        Assert.Equal($"/api/v1/tenants/{id}", deleting.Headers.Location?.OriginalString);
        Assert.Equal("deleting", deleting.Json.GetProperty("state").GetString());
        (await ApiCall.SendAsync(client, HttpMethod.Delete, $"/api/v1/tenants/{id}")).AssertStatus(HttpStatusCode.Accepted);
        var status = await ApiCall.SendAsync(client, HttpMethod.Get, deleting.Headers.Location!.OriginalString);
        Assert.Equal("deleting", status.Json.GetProperty("state").GetString());

        // What the brokers' reaper does last; then the status URL and a retried DELETE both say it is gone.
        Assert.True(await plane.Tenants.DeleteAsync(id, CancellationToken.None));
        (await ApiCall.SendAsync(client, HttpMethod.Get, $"/api/v1/tenants/{id}")).AssertProblem(HttpStatusCode.NotFound);
        (await ApiCall.SendAsync(client, HttpMethod.Delete, $"/api/v1/tenants/{id}")).AssertProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task PuttingTheSameTenantAgainAnswers200WithoutAPasswordAndADifferentOne409()
    {
        using var client = plane.Client(plane.OperatorKey);
        var id = NewId();
        const string Body = """{"displayName": "Same", "limits": {"maxTopics": 3, "maxPartitions": null, "maxRetainedBytes": null, "maxConnections": null}}""";
        (await ApiCall.SendAsync(client, HttpMethod.Put, $"/api/v1/tenants/{id}", Body)).AssertStatus(HttpStatusCode.Created);
        var before = await plane.VersionsAsync();

        var again = await ApiCall.SendAsync(client, HttpMethod.Put, $"/api/v1/tenants/{id}", Body);
        again.AssertStatus(HttpStatusCode.OK);
        Assert.False(again.Json.TryGetProperty("admin", out _));
        Assert.NotNull(again.ETag);

        var different = await ApiCall.SendAsync(client, HttpMethod.Put, $"/api/v1/tenants/{id}", """{"displayName": "Other"}""");
        different.AssertProblem(HttpStatusCode.Conflict);
        Assert.Equal(before, await plane.VersionsAsync());
        Assert.Equal("Same", (await plane.Tenants.GetAsync(id, CancellationToken.None))!.DisplayName);
    }

    [Fact]
    public async Task AStaleIfMatchIsRefusedWith412AndChangesNothing()
    {
        using var client = plane.Client(plane.OperatorKey);
        var id = NewId();
        var created = await ApiCall.SendAsync(client, HttpMethod.Put, $"/api/v1/tenants/{id}", "{}");
        created.AssertStatus(HttpStatusCode.Created);
        var firstETag = created.ETag!;
        // Another writer moves the tenant on.
        var suspended = await ApiCall.SendAsync(client, HttpMethod.Post, $"/api/v1/tenants/{id}/suspend", headers: h => h.IfMatch.ParseAdd(firstETag));
        suspended.AssertStatus(HttpStatusCode.OK);
        var before = await plane.VersionsAsync();
        var stored = await plane.Tenants.GetAsync(id, CancellationToken.None);

        var stale = new (HttpMethod Method, string Path, string? Body)[]
        {
            (HttpMethod.Post, $"/api/v1/tenants/{id}/resume", null),
            (HttpMethod.Post, $"/api/v1/tenants/{id}/suspend", null),
            (HttpMethod.Put, $"/api/v1/tenants/{id}/limits", """{"maxTopics": 1, "maxPartitions": 1, "maxRetainedBytes": 1, "maxConnections": 1}"""),
            (HttpMethod.Delete, $"/api/v1/tenants/{id}", null),
            (HttpMethod.Put, $"/api/v1/tenants/{id}", "{}"),
        };
        foreach (var (method, path, body) in stale)
        {
            var refused = await ApiCall.SendAsync(client, method, path, body, h => h.IfMatch.ParseAdd(firstETag));
            Assert.Contains(suspended.ETag!, refused.AssertProblem(HttpStatusCode.PreconditionFailed), StringComparison.Ordinal);
        }
        Assert.Equal(before, await plane.VersionsAsync());
        Assert.Equal(stored, await plane.Tenants.GetAsync(id, CancellationToken.None));

        var current = await ApiCall.SendAsync(client, HttpMethod.Post, $"/api/v1/tenants/{id}/resume", headers: h => h.IfMatch.ParseAdd(suspended.ETag!));
        current.AssertStatus(HttpStatusCode.OK);
        (await ApiCall.SendAsync(client, HttpMethod.Put, $"/api/v1/tenants/{NewId()}", "{}", h => h.IfMatch.ParseAdd(firstETag)))
            .AssertProblem(HttpStatusCode.PreconditionFailed);
    }

    [Fact]
    public async Task OfConcurrentWritesWithTheSameIfMatchExactlyOneWins()
    {
        using var client = plane.Client(plane.OperatorKey);
        var id = NewId();
        var created = await ApiCall.SendAsync(client, HttpMethod.Put, $"/api/v1/tenants/{id}", "{}");
        created.AssertStatus(HttpStatusCode.Created);
        var before = await plane.Tenants.GetVersionAsync(CancellationToken.None);

        var writes = Enumerable.Range(1, 8).Select(n => ApiCall.SendAsync(client, HttpMethod.Put, $"/api/v1/tenants/{id}/limits",
            $$"""{"maxTopics": {{n}}, "maxPartitions": null, "maxRetainedBytes": null, "maxConnections": null}""",
            h => h.IfMatch.ParseAdd(created.ETag!)));
        var answers = await Task.WhenAll(writes);

        var winners = answers.Where(a => a.Status == HttpStatusCode.OK).ToList();
        var winner = Assert.Single(winners);
        foreach (var loser in answers.Where(a => a.Status != HttpStatusCode.OK))
            loser.AssertProblem(HttpStatusCode.PreconditionFailed);
        var stored = await plane.Tenants.GetAsync(id, CancellationToken.None);
        Assert.Equal(winner.Json.GetProperty("limits").GetProperty("maxTopics").GetInt32(), stored!.Limits.MaxTopics);
        Assert.Equal(before + 1, await plane.Tenants.GetVersionAsync(CancellationToken.None));
    }

    [Fact]
    public async Task TheListPagesThroughEveryTenantInIdOrderOnce()
    {
        using var client = plane.Client(plane.OperatorKey);
        for (var i = 0; i < 5; i++)
            (await ApiCall.SendAsync(client, HttpMethod.Put, $"/api/v1/tenants/{NewId()}", "{}")).AssertStatus(HttpStatusCode.Created);
        var expected = (await plane.Tenants.ListAsync(CancellationToken.None)).Select(t => t.Id).ToList();

        var seen = new List<string>();
        string? next = null;
        var pages = 0;
        do
        {
            var page = await ApiCall.SendAsync(client, HttpMethod.Get, "/api/v1/tenants?limit=2" + (next is null ? "" : "&continuation=" + Uri.EscapeDataString(next)));
            page.AssertStatus(HttpStatusCode.OK);
            var items = page.Json.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("id").GetString()!).ToList();
            Assert.InRange(items.Count, 1, 2);
            seen.AddRange(items);
            next = page.Json.GetProperty("next").GetString();
            pages++;
        }
        while (next is not null);

        Assert.Equal(expected, seen);
        Assert.Equal((expected.Count + 1) / 2, pages);
    }
}
