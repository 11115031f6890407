using System.Net;
using Fjord.ControlPlane.ApiKeys;

namespace Fjord.ControlPlane.Tests.Functions;

/// <summary>API keys through <c>/api/v1/apikeys</c> (operator) and <c>/api/v1/tenants/{tenant}/apikeys</c> (the tenant's own).</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class ApiKeyApiTests(ControlPlaneFixture plane)
{
    private static string NewId() => "p" + Guid.NewGuid().ToString("N")[..10];

    private async Task<string> TenantAsync()
    {
        var id = NewId();
        using var client = plane.Client(plane.OperatorKey);
        (await ApiCall.SendAsync(client, HttpMethod.Put, $"/api/v1/tenants/{id}", "{}")).AssertStatus(HttpStatusCode.Created);
        return id;
    }

    private Task<IReadOnlyList<ApiKeyInfo>> KeysAsync() => plane.ApiKeys.ListAsync(null, CancellationToken.None);

    [Fact]
    public async Task AnOperatorCreatesListsAndDeletesKeysAndTheSecretIsShownOnce()
    {
        var tenant = await TenantAsync();
        using var client = plane.Client(plane.OperatorKey);

        var created = await ApiCall.SendAsync(client, HttpMethod.Post, "/api/v1/apikeys", $$"""{"tenant": "{{tenant}}", "lifetimeDays": 7, "description": "ci"}""");

        created.AssertStatus(HttpStatusCode.Created);
        var id = created.Json.GetProperty("id").GetString()!;
        var secret = created.Json.GetProperty("key").GetString()!;
        Assert.StartsWith($"fjk.{id}.", secret, StringComparison.Ordinal);
        Assert.Equal(tenant, created.Json.GetProperty("tenant").GetString());
        Assert.Equal("ci", created.Json.GetProperty("description").GetString());
        Assert.Equal($"/api/v1/apikeys/{id}", created.Headers.Location?.ToString());
        var (check, principal) = await plane.ApiKeys.CheckAsync(secret, CancellationToken.None);
        Assert.Equal(ApiKeyCheck.Valid, check);
        Assert.Equal(tenant, principal!.TenantId);
        Assert.InRange(principal.ExpiresAt - DateTimeOffset.UtcNow, TimeSpan.FromDays(7) - TimeSpan.FromMinutes(5), TimeSpan.FromDays(7));

        var listed = await ApiCall.SendAsync(client, HttpMethod.Get, $"/api/v1/apikeys?tenant={tenant}");
        listed.AssertStatus(HttpStatusCode.OK);
        var item = Assert.Single(listed.Json.GetProperty("items").EnumerateArray());
        Assert.Equal(id, item.GetProperty("id").GetString());
        Assert.False(item.GetProperty("expired").GetBoolean());
        Assert.False(item.TryGetProperty("key", out _));
        Assert.DoesNotContain(secret.Split('.')[2], listed.Body, StringComparison.Ordinal);
        var all = await ApiCall.SendAsync(client, HttpMethod.Get, "/api/v1/apikeys?limit=1000");
        Assert.Contains(all.Json.GetProperty("items").EnumerateArray(), k => k.GetProperty("id").GetString() == id);

        var operatorKey = await ApiCall.SendAsync(client, HttpMethod.Post, "/api/v1/apikeys", "{}");
        operatorKey.AssertStatus(HttpStatusCode.Created);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, operatorKey.Json.GetProperty("tenant").ValueKind);

        (await ApiCall.SendAsync(client, HttpMethod.Delete, $"/api/v1/apikeys/{id}")).AssertStatus(HttpStatusCode.NoContent);
        using (var revoked = plane.Client(secret))
            (await ApiCall.SendAsync(revoked, HttpMethod.Get, $"/api/v1/tenants/{tenant}")).AssertProblem(HttpStatusCode.Unauthorized);
        (await ApiCall.SendAsync(client, HttpMethod.Delete, $"/api/v1/apikeys/{id}")).AssertProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ATenantKeyManagesOnlyItsOwnTenantsKeysAndCannotOutliveItself()
    {
        var mine = await TenantAsync();
        var other = await TenantAsync();
        var key = (await plane.ApiKeys.CreateTenantKeyAsync(mine, TimeSpan.FromDays(30), "mine", CancellationToken.None)).Secret;
        var otherKey = await plane.ApiKeys.CreateTenantKeyAsync(other, TimeSpan.FromDays(30), "other", CancellationToken.None);
        using var client = plane.Client(key);

        var created = await ApiCall.SendAsync(client, HttpMethod.Post, $"/api/v1/tenants/{mine}/apikeys", """{"lifetimeDays": 7}""");
        created.AssertStatus(HttpStatusCode.Created);
        Assert.Equal(mine, created.Json.GetProperty("tenant").GetString());
        var listed = await ApiCall.SendAsync(client, HttpMethod.Get, $"/api/v1/tenants/{mine}/apikeys");
        Assert.Equal(2, listed.Json.GetProperty("items").GetArrayLength());

        var before = await KeysAsync();
        Assert.Contains("outlive", (await ApiCall.SendAsync(client, HttpMethod.Post, $"/api/v1/tenants/{mine}/apikeys", """{"lifetimeDays": 31}""")).AssertProblem(HttpStatusCode.Forbidden),
            StringComparison.Ordinal);
        (await ApiCall.SendAsync(client, HttpMethod.Post, "/api/v1/apikeys", "{}")).AssertProblem(HttpStatusCode.Forbidden);
        (await ApiCall.SendAsync(client, HttpMethod.Get, "/api/v1/apikeys")).AssertProblem(HttpStatusCode.Forbidden);
        (await ApiCall.SendAsync(client, HttpMethod.Delete, $"/api/v1/apikeys/{otherKey.Principal.KeyId}")).AssertProblem(HttpStatusCode.Forbidden);
        (await ApiCall.SendAsync(client, HttpMethod.Post, $"/api/v1/tenants/{other}/apikeys", "{}")).AssertProblem(HttpStatusCode.Forbidden);
        (await ApiCall.SendAsync(client, HttpMethod.Get, $"/api/v1/tenants/{other}/apikeys")).AssertProblem(HttpStatusCode.Forbidden);
        (await ApiCall.SendAsync(client, HttpMethod.Delete, $"/api/v1/tenants/{mine}/apikeys/{otherKey.Principal.KeyId}")).AssertProblem(HttpStatusCode.NotFound);
        (await ApiCall.SendAsync(client, HttpMethod.Post, $"/api/v1/tenants/{mine}/apikeys", $$"""{"tenant": "{{other}}"}""")).AssertProblem(HttpStatusCode.BadRequest);
        Assert.Equal(before, await KeysAsync());

        (await ApiCall.SendAsync(client, HttpMethod.Delete, $"/api/v1/tenants/{mine}/apikeys/{created.Json.GetProperty("id").GetString()}")).AssertStatus(HttpStatusCode.NoContent);
        Assert.Equal(before.Count - 1, (await KeysAsync()).Count);
    }

    public static TheoryData<string, string, HttpStatusCode, string> BadRequests => new()
    {
        { "POST", """{"lifetimeDays": 0}""", HttpStatusCode.BadRequest, "lifetimeDays" },
        { "POST", """{"lifetimeDays": 3651}""", HttpStatusCode.BadRequest, "3650" },
        { "POST", """{"lifetimeDays": "7"}""", HttpStatusCode.BadRequest, "$.lifetimeDays" },
        { "POST", """{"tenant": "Not_A_Tenant"}""", HttpStatusCode.BadRequest, "lower-case" },
        { "POST", """{"tenant": "nosuchtenant"}""", HttpStatusCode.NotFound, "nosuchtenant" },
        { "POST", """{"description": "a\u0001b"}""", HttpStatusCode.BadRequest, "control" },
        { "POST", """{"scope": "all"}""", HttpStatusCode.BadRequest, "scope" },
        { "POST", "", HttpStatusCode.BadRequest, "JSON body" },
        { "DELETE", "not-a-key-id", HttpStatusCode.BadRequest, "20 lower-case hex" },
        { "DELETE", "00000000000000000000", HttpStatusCode.NotFound, "no API key" },
        { "GET", "?limit=0", HttpStatusCode.BadRequest, "limit" },
        { "GET", "?tenant=BAD", HttpStatusCode.BadRequest, "lower-case" },
        { "GET", "?continuation=!!", HttpStatusCode.BadRequest, "continuation" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task BadInputIsRefusedAndChangesNoKey(string method, string input, HttpStatusCode status, string mentioned)
    {
        using var client = plane.Client(plane.OperatorKey);
        var before = await KeysAsync();

        var call = method switch
        {
            "POST" => await ApiCall.SendAsync(client, HttpMethod.Post, "/api/v1/apikeys", input),
            "DELETE" => await ApiCall.SendAsync(client, HttpMethod.Delete, "/api/v1/apikeys/" + input),
            _ => await ApiCall.SendAsync(client, HttpMethod.Get, "/api/v1/apikeys" + input),
        };

        Assert.Contains(mentioned, call.AssertProblem(status), StringComparison.Ordinal);
        Assert.Equal(before, await KeysAsync());
    }

    [Fact]
    public async Task AnExpiredKeyCanDoNothingHere()
    {
        var tenant = await TenantAsync();
        var before = await KeysAsync();
        using var client = plane.Client(await plane.ExpiredKeyAsync(null));
        var afterSetup = await KeysAsync();

        Assert.Contains("expired", (await ApiCall.SendAsync(client, HttpMethod.Post, "/api/v1/apikeys", "{}")).AssertProblem(HttpStatusCode.Unauthorized), StringComparison.Ordinal);
        (await ApiCall.SendAsync(client, HttpMethod.Get, $"/api/v1/tenants/{tenant}/apikeys")).AssertProblem(HttpStatusCode.Unauthorized);
        Assert.Equal(afterSetup, await KeysAsync());
        Assert.Equal(before.Count + 1, afterSetup.Count);
    }
}
