using System.Net;

namespace Fjord.ControlPlane.Tests.Functions;

/// <summary>Bearer API keys: operator keys reach every tenant, a tenant key only reads its own; anything else is 401 or 403 and writes nothing.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class TenantApiAuthTests(ControlPlaneFixture plane)
{
    private static string NewId() => "k" + Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task NoKeyAMalformedKeyAnUnknownKeyAndAnExpiredKeyAre401()
    {
        var id = NewId();
        using (var setup = plane.Client(plane.OperatorKey))
            (await ApiCall.SendAsync(setup, HttpMethod.Put, $"/api/v1/tenants/{id}", "{}")).AssertStatus(HttpStatusCode.Created);
        var stored = await plane.Tenants.GetAsync(id, CancellationToken.None);
        var before = await plane.VersionsAsync();
        var unknown = "fjk.00000000000000000000." + new string('A', 43);
        var wrongSecret = plane.OperatorKey[..^4] + "AAAA";
        var expired = await plane.ExpiredKeyAsync(null);

        foreach (var (key, mentioned) in new (string?, string)[] { (null, "Bearer"), ("hello", "Bearer"), (unknown, "not known"), (wrongSecret, "not known"), (expired, "expired") })
        {
            using var client = plane.Client(key);
            var calls = new[]
            {
                await ApiCall.SendAsync(client, HttpMethod.Get, "/api/v1/tenants"),
                await ApiCall.SendAsync(client, HttpMethod.Get, $"/api/v1/tenants/{id}"),
                await ApiCall.SendAsync(client, HttpMethod.Put, $"/api/v1/tenants/{NewId()}", "{}"),
                await ApiCall.SendAsync(client, HttpMethod.Post, $"/api/v1/tenants/{id}/suspend"),
                await ApiCall.SendAsync(client, HttpMethod.Delete, $"/api/v1/tenants/{id}"),
            };
            foreach (var call in calls)
            {
                Assert.Contains(mentioned, call.AssertProblem(HttpStatusCode.Unauthorized), StringComparison.Ordinal);
                Assert.Equal("Bearer", call.Headers.WwwAuthenticate.Single().Scheme);
            }
        }

        Assert.Equal(stored, await plane.Tenants.GetAsync(id, CancellationToken.None));
        Assert.Equal(before, await plane.VersionsAsync());
    }

    [Fact]
    public async Task ATenantKeyReadsOnlyItsOwnTenantAndWritesNothing()
    {
        var mine = NewId();
        var other = NewId();
        using (var setup = plane.Client(plane.OperatorKey))
        {
            (await ApiCall.SendAsync(setup, HttpMethod.Put, $"/api/v1/tenants/{mine}", "{}")).AssertStatus(HttpStatusCode.Created);
            (await ApiCall.SendAsync(setup, HttpMethod.Put, $"/api/v1/tenants/{other}", "{}")).AssertStatus(HttpStatusCode.Created);
        }
        var key = (await plane.ApiKeys.CreateTenantKeyAsync(mine, TimeSpan.FromHours(1), "test", CancellationToken.None)).Secret;
        var storedMine = await plane.Tenants.GetAsync(mine, CancellationToken.None);
        var storedOther = await plane.Tenants.GetAsync(other, CancellationToken.None);
        var before = await plane.VersionsAsync();
        using var client = plane.Client(key);

        (await ApiCall.SendAsync(client, HttpMethod.Get, $"/api/v1/tenants/{mine}")).AssertStatus(HttpStatusCode.OK);
        var list = await ApiCall.SendAsync(client, HttpMethod.Get, "/api/v1/tenants");
        list.AssertStatus(HttpStatusCode.OK);
        Assert.Equal([mine], list.Json.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("id").GetString()));

        (await ApiCall.SendAsync(client, HttpMethod.Get, $"/api/v1/tenants/{other}")).AssertProblem(HttpStatusCode.Forbidden);
        foreach (var target in new[] { mine, other })
        {
            (await ApiCall.SendAsync(client, HttpMethod.Put, $"/api/v1/tenants/{target}", "{}")).AssertProblem(HttpStatusCode.Forbidden);
            (await ApiCall.SendAsync(client, HttpMethod.Post, $"/api/v1/tenants/{target}/suspend")).AssertProblem(HttpStatusCode.Forbidden);
            (await ApiCall.SendAsync(client, HttpMethod.Post, $"/api/v1/tenants/{target}/resume")).AssertProblem(HttpStatusCode.Forbidden);
            (await ApiCall.SendAsync(client, HttpMethod.Put, $"/api/v1/tenants/{target}/limits",
                """{"maxTopics": 999, "maxPartitions": null, "maxRetainedBytes": null, "maxConnections": null}""")).AssertProblem(HttpStatusCode.Forbidden);
            (await ApiCall.SendAsync(client, HttpMethod.Delete, $"/api/v1/tenants/{target}")).AssertProblem(HttpStatusCode.Forbidden);
        }
        (await ApiCall.SendAsync(client, HttpMethod.Put, $"/api/v1/tenants/{NewId()}", "{}")).AssertProblem(HttpStatusCode.Forbidden);

        using (var expired = plane.Client(await plane.ExpiredKeyAsync(mine)))
            (await ApiCall.SendAsync(expired, HttpMethod.Get, $"/api/v1/tenants/{mine}")).AssertProblem(HttpStatusCode.Unauthorized);

        Assert.Equal(storedMine, await plane.Tenants.GetAsync(mine, CancellationToken.None));
        Assert.Equal(storedOther, await plane.Tenants.GetAsync(other, CancellationToken.None));
        Assert.Equal(before, await plane.VersionsAsync());
    }
}
