using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Fjord.Security.Credentials;

namespace Fjord.ControlPlane.Tests.Functions;

/// <summary>A tenant's SCRAM users through <c>/api/v1/tenants/{tenant}/users</c>: stored as the brokers read them, passwords shown once.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class UserApiTests(ControlPlaneFixture plane)
{
    private static string NewId() => "u" + Guid.NewGuid().ToString("N")[..10];

    private async Task<string> TenantAsync()
    {
        var id = NewId();
        using var client = plane.Client(plane.OperatorKey);
        (await ApiCall.SendAsync(client, HttpMethod.Put, $"/api/v1/tenants/{id}", "{}")).AssertStatus(HttpStatusCode.Created);
        return id;
    }

    private async Task<List<UserScramCredential>> StoredAsync(string username) =>
        [.. (await plane.Credentials.LoadAsync(CancellationToken.None)).Credentials.Where(c => c.User == username)];

    private static bool PasswordMatches(UserScramCredential stored, string password)
    {
        var salted = ScramFormatter.SaltedPassword(stored.Mechanism, password, stored.Credential.Salt, stored.Credential.Iterations);
        var storedKey = ScramFormatter.StoredKey(stored.Mechanism, ScramFormatter.ClientKey(stored.Mechanism, salted));
        return CryptographicOperations.FixedTimeEquals(storedKey, stored.Credential.StoredKey);
    }

    [Fact]
    public async Task ACreatedUserIsStoredUnderTheTenantsPrefixWithThePasswordShownOnce()
    {
        var tenant = await TenantAsync();
        using var client = plane.Client(plane.OperatorKey);

        var created = await ApiCall.SendAsync(client, HttpMethod.Put, $"/api/v1/tenants/{tenant}/users/bob");

        created.AssertStatus(HttpStatusCode.Created);
        Assert.Equal($"/api/v1/tenants/{tenant}/users/bob", created.Headers.Location?.ToString());
        Assert.NotNull(created.ETag);
        Assert.Equal("bob", created.Json.GetProperty("name").GetString());
        Assert.Equal($"{tenant}.bob", created.Json.GetProperty("username").GetString());
        var password = created.Json.GetProperty("password").GetString()!;
        Assert.True(password.Length >= 32);
        var stored = await StoredAsync($"{tenant}.bob");
        Assert.Equal([ScramMechanism.ScramSha256, ScramMechanism.ScramSha512], stored.Select(c => c.Mechanism).Order());
        Assert.All(stored, c => Assert.True(PasswordMatches(c, password)));
        Assert.All(stored, c => Assert.Equal(8192, c.Credential.Iterations));

        var again = await ApiCall.SendAsync(client, HttpMethod.Put, $"/api/v1/tenants/{tenant}/users/bob");
        again.AssertStatus(HttpStatusCode.OK);
        Assert.False(again.Json.TryGetProperty("password", out _));
        Assert.Equal(created.ETag, again.ETag);
        Assert.All(await StoredAsync($"{tenant}.bob"), c => Assert.True(PasswordMatches(c, password)));

        var get = await ApiCall.SendAsync(client, HttpMethod.Get, $"/api/v1/tenants/{tenant}/users/bob");
        get.AssertStatus(HttpStatusCode.OK);
        Assert.False(get.Json.TryGetProperty("password", out _));
    }

    [Fact]
    public async Task MechanismsAndIterationsCanBeChosenAndADifferentCreateIsAConflict()
    {
        var tenant = await TenantAsync();
        using var client = plane.Client(plane.OperatorKey);

        var created = await ApiCall.SendAsync(client, HttpMethod.Put, $"/api/v1/tenants/{tenant}/users/carol",
            """{"mechanisms": ["SCRAM-SHA-256"], "iterations": 4096}""");

        created.AssertStatus(HttpStatusCode.Created);
        var credential = Assert.Single(await StoredAsync($"{tenant}.carol"));
        Assert.Equal(ScramMechanism.ScramSha256, credential.Mechanism);
        Assert.Equal(4096, credential.Credential.Iterations);
        var credentials = Assert.Single(created.Json.GetProperty("credentials").EnumerateArray());
        Assert.Equal("SCRAM-SHA-256", credentials.GetProperty("mechanism").GetString());
        Assert.Equal(4096, credentials.GetProperty("iterations").GetInt32());

        var before = await plane.VersionsAsync();
        (await ApiCall.SendAsync(client, HttpMethod.Put, $"/api/v1/tenants/{tenant}/users/carol")).AssertProblem(HttpStatusCode.Conflict);
        (await ApiCall.SendAsync(client, HttpMethod.Put, $"/api/v1/tenants/{tenant}/users/carol", """{"mechanisms": ["SCRAM-SHA-256"], "iterations": 8192}"""))
            .AssertProblem(HttpStatusCode.Conflict);
        Assert.Equal(before, await plane.VersionsAsync());
        (await ApiCall.SendAsync(client, HttpMethod.Put, $"/api/v1/tenants/{tenant}/users/carol", """{"mechanisms": ["SCRAM-SHA-256"], "iterations": 4096}"""))
            .AssertStatus(HttpStatusCode.OK);
    }

    [Fact]
    public async Task TheListShowsMechanismsNeverSecretsAndPages()
    {
        var tenant = await TenantAsync();
        var other = await TenantAsync();
        using var client = plane.Client(plane.OperatorKey);
        foreach (var user in new[] { "dave", "erin", "frank" })
            (await ApiCall.SendAsync(client, HttpMethod.Put, $"/api/v1/tenants/{tenant}/users/{user}")).AssertStatus(HttpStatusCode.Created);
        (await ApiCall.SendAsync(client, HttpMethod.Put, $"/api/v1/tenants/{other}/users/zed")).AssertStatus(HttpStatusCode.Created);

        var first = await ApiCall.SendAsync(client, HttpMethod.Get, $"/api/v1/tenants/{tenant}/users?limit=2");
        first.AssertStatus(HttpStatusCode.OK);
        var next = first.Json.GetProperty("next").GetString();
        var second = await ApiCall.SendAsync(client, HttpMethod.Get, $"/api/v1/tenants/{tenant}/users?limit=2&continuation={next}");
        second.AssertStatus(HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.Null, second.Json.GetProperty("next").ValueKind);

        var names = first.Json.GetProperty("items").EnumerateArray().Concat(second.Json.GetProperty("items").EnumerateArray())
            .Select(u => u.GetProperty("name").GetString()).ToList();
        Assert.Equal(["admin", "dave", "erin", "frank"], names);
        Assert.DoesNotContain("password", first.Body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("salt", first.Body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("zed", first.Body + second.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResetPasswordReplacesTheCredentialsAndShowsTheNewPasswordOnce()
    {
        var tenant = await TenantAsync();
        using var client = plane.Client(plane.OperatorKey);
        var old = (await ApiCall.SendAsync(client, HttpMethod.Put, $"/api/v1/tenants/{tenant}/users/gina")).Json.GetProperty("password").GetString()!;

        var reset = await ApiCall.SendAsync(client, HttpMethod.Post, $"/api/v1/tenants/{tenant}/users/gina/reset-password");

        reset.AssertStatus(HttpStatusCode.OK);
        var password = reset.Json.GetProperty("password").GetString()!;
        Assert.NotEqual(old, password);
        var stored = await StoredAsync($"{tenant}.gina");
        Assert.Equal(2, stored.Count);
        Assert.All(stored, c => Assert.True(PasswordMatches(c, password)));
        (await ApiCall.SendAsync(client, HttpMethod.Post, $"/api/v1/tenants/{tenant}/users/nobody/reset-password")).AssertProblem(HttpStatusCode.NotFound);

        var admin = await ApiCall.SendAsync(client, HttpMethod.Post, $"/api/v1/tenants/{tenant}/users/admin/reset-password");
        admin.AssertStatus(HttpStatusCode.OK);
        Assert.All(await StoredAsync($"{tenant}.admin"), c => Assert.True(PasswordMatches(c, admin.Json.GetProperty("password").GetString()!)));
    }

    [Fact]
    public async Task DeleteRemovesEveryCredentialButNeverTheAdmin()
    {
        var tenant = await TenantAsync();
        using var client = plane.Client(plane.OperatorKey);
        (await ApiCall.SendAsync(client, HttpMethod.Put, $"/api/v1/tenants/{tenant}/users/hank")).AssertStatus(HttpStatusCode.Created);

        (await ApiCall.SendAsync(client, HttpMethod.Delete, $"/api/v1/tenants/{tenant}/users/hank")).AssertStatus(HttpStatusCode.NoContent);

        Assert.Empty(await StoredAsync($"{tenant}.hank"));
        (await ApiCall.SendAsync(client, HttpMethod.Delete, $"/api/v1/tenants/{tenant}/users/hank")).AssertProblem(HttpStatusCode.NotFound);
        (await ApiCall.SendAsync(client, HttpMethod.Get, $"/api/v1/tenants/{tenant}/users/hank")).AssertProblem(HttpStatusCode.NotFound);

        var before = await plane.VersionsAsync();
        Assert.Contains("admin", (await ApiCall.SendAsync(client, HttpMethod.Delete, $"/api/v1/tenants/{tenant}/users/admin")).AssertProblem(HttpStatusCode.Conflict),
            StringComparison.Ordinal);
        Assert.Equal(2, (await StoredAsync($"{tenant}.admin")).Count);
        Assert.Equal(before, await plane.VersionsAsync());
    }

    public static TheoryData<string, string?, string> BadCreates => new()
    {
        { "*", null, "reserved" },
        { "bo%20b", null, "U+0020" },
        { "bob%2C", null, "','" },
        { "b%C3%B6b", null, "'ö'" },
        { new string('x', 240), null, "at most" },
        { "bob", """{"mechanisms": ["SCRAM-SHA-1"]}""", "SCRAM-SHA-256" },
        { "bob", """{"mechanisms": []}""", "at least one" },
        { "bob", """{"mechanisms": ["SCRAM-SHA-256", "SCRAM-SHA-256"]}""", "more than once" },
        { "bob", """{"iterations": 4095}""", "4096" },
        { "bob", """{"iterations": 16385}""", "16384" },
        { "bob", """{"iterations": "8192"}""", "$.iterations" },
        { "bob", """{"mechanisms": "SCRAM-SHA-256"}""", "$.mechanisms" },
        { "bob", """{"password": "hunter2"}""", "password" },
        { "bob", """{"iterations": 8192""", "not valid JSON" },
    };

    [Theory]
    [MemberData(nameof(BadCreates))]
    public async Task ABadCreateIsRefusedAndWritesNothing(string user, string? body, string mentioned)
    {
        var tenant = await TenantAsync();
        using var client = plane.Client(plane.OperatorKey);
        var before = await plane.VersionsAsync();

        var detail = (await ApiCall.SendAsync(client, HttpMethod.Put, $"/api/v1/tenants/{tenant}/users/{user}", body)).AssertProblem(HttpStatusCode.BadRequest);

        Assert.Contains(mentioned, detail, StringComparison.Ordinal);
        Assert.Equal(before, await plane.VersionsAsync());
    }

    [Fact]
    public async Task KeysReachOnlyTheirOwnTenantsUsers()
    {
        var mine = await TenantAsync();
        var other = await TenantAsync();
        var key = (await plane.ApiKeys.CreateTenantKeyAsync(mine, TimeSpan.FromHours(1), "test", CancellationToken.None)).Secret;
        var expired = await plane.ExpiredKeyAsync(mine);
        using var client = plane.Client(key);

        (await ApiCall.SendAsync(client, HttpMethod.Put, $"/api/v1/tenants/{mine}/users/ivy")).AssertStatus(HttpStatusCode.Created);
        (await ApiCall.SendAsync(client, HttpMethod.Get, $"/api/v1/tenants/{mine}/users")).AssertStatus(HttpStatusCode.OK);

        var before = await plane.VersionsAsync();
        (await ApiCall.SendAsync(client, HttpMethod.Get, $"/api/v1/tenants/{other}/users")).AssertProblem(HttpStatusCode.Forbidden);
        (await ApiCall.SendAsync(client, HttpMethod.Put, $"/api/v1/tenants/{other}/users/ivy")).AssertProblem(HttpStatusCode.Forbidden);
        (await ApiCall.SendAsync(client, HttpMethod.Delete, $"/api/v1/tenants/{other}/users/admin")).AssertProblem(HttpStatusCode.Forbidden);
        (await ApiCall.SendAsync(client, HttpMethod.Post, $"/api/v1/tenants/{other}/users/admin/reset-password")).AssertProblem(HttpStatusCode.Forbidden);
        using var stale = plane.Client(expired);
        Assert.Contains("expired", (await ApiCall.SendAsync(stale, HttpMethod.Put, $"/api/v1/tenants/{mine}/users/jack")).AssertProblem(HttpStatusCode.Unauthorized),
            StringComparison.Ordinal);
        (await ApiCall.SendAsync(client, HttpMethod.Put, $"/api/v1/tenants/{NewId()}/users/jack")).AssertProblem(HttpStatusCode.Forbidden);
        using var operatorClient = plane.Client(plane.OperatorKey);
        (await ApiCall.SendAsync(operatorClient, HttpMethod.Put, $"/api/v1/tenants/{NewId()}/users/jack")).AssertProblem(HttpStatusCode.NotFound);
        (await ApiCall.SendAsync(operatorClient, HttpMethod.Put, "/api/v1/tenants/Not_A_Tenant/users/jack")).AssertProblem(HttpStatusCode.BadRequest);
        Assert.Equal(before, await plane.VersionsAsync());
        Assert.Empty(await StoredAsync($"{other}.ivy"));
    }
}
