using System.Net;
using Fjord.ControlPlane.Tests.Functions;
using Fjord.Testing;

namespace Fjord.ControlPlane.Tests.Identity;

/// <summary>
/// Entra ID access tokens in place of API keys, against the local control plane configured with a directory the
/// test plays (its JWKS on disk): app roles decide operator or one tenant; anything else is 401 or 403 and writes nothing.
/// </summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class EntraIdAuthTests(ControlPlaneFixture plane)
{
    private static string NewId() => "e" + Guid.NewGuid().ToString("N")[..10];

    private string Token(params string[] roles) => Token(DateTimeOffset.UtcNow, roles);

    private string Token(DateTimeOffset now, string[] roles, IReadOnlyDictionary<string, object?>? more = null)
    {
        var claims = new Dictionary<string, object?> { ["oid"] = Guid.NewGuid().ToString(), ["roles"] = roles };
        foreach (var (name, value) in more ?? new Dictionary<string, object?>()) claims[name] = value;
        return plane.EntraId.Issue(now, claims);
    }

    [Fact]
    public async Task AnOperatorRoleTokenActsOnEveryTenant()
    {
        var id = NewId();
        using var client = plane.Client(Token("Fjord.Operator"));
        (await ApiCall.SendAsync(client, HttpMethod.Put, $"/api/v1/tenants/{id}", "{}")).AssertStatus(HttpStatusCode.Created);
        var list = await ApiCall.SendAsync(client, HttpMethod.Get, "/api/v1/tenants?limit=1000");
        list.AssertStatus(HttpStatusCode.OK);
        Assert.Contains(id, list.Body, StringComparison.Ordinal);
        Assert.NotNull(await plane.Tenants.GetAsync(id, CancellationToken.None));
    }

    [Fact]
    public async Task ATenantRoleTokenReachesOnlyItsOwnTenant()
    {
        var mine = NewId();
        var other = NewId();
        using (var setup = plane.Client(plane.OperatorKey))
        {
            (await ApiCall.SendAsync(setup, HttpMethod.Put, $"/api/v1/tenants/{mine}", "{}")).AssertStatus(HttpStatusCode.Created);
            (await ApiCall.SendAsync(setup, HttpMethod.Put, $"/api/v1/tenants/{other}", "{}")).AssertStatus(HttpStatusCode.Created);
        }
        var before = await plane.VersionsAsync();
        using var client = plane.Client(Token("Fjord.Tenant." + mine, "Some.Other.Role"));

        (await ApiCall.SendAsync(client, HttpMethod.Get, $"/api/v1/tenants/{mine}")).AssertStatus(HttpStatusCode.OK);
        Assert.Contains(other, (await ApiCall.SendAsync(client, HttpMethod.Get, $"/api/v1/tenants/{other}")).AssertProblem(HttpStatusCode.Forbidden), StringComparison.Ordinal);
        (await ApiCall.SendAsync(client, HttpMethod.Put, $"/api/v1/tenants/{NewId()}", "{}")).AssertProblem(HttpStatusCode.Forbidden);
        (await ApiCall.SendAsync(client, HttpMethod.Delete, $"/api/v1/tenants/{other}")).AssertProblem(HttpStatusCode.Forbidden);
        Assert.Equal(before, await plane.VersionsAsync());
    }

    [Fact]
    public async Task ATokenWithoutAFjordRoleOrWithTwoTenantsIsForbiddenAndWritesNothing()
    {
        var before = await plane.VersionsAsync();
        foreach (var roles in new[] { Array.Empty<string>(), ["Reader"], ["Fjord.Tenant.a1", "Fjord.Tenant.b2"], ["Fjord.Operator", "Fjord.Tenant.a1"], ["Fjord.Tenant.NOT_AN_ID"] })
        {
            using var client = plane.Client(Token(roles));
            var detail = (await ApiCall.SendAsync(client, HttpMethod.Put, $"/api/v1/tenants/{NewId()}", "{}")).AssertProblem(HttpStatusCode.Forbidden);
            Assert.Contains("app role", detail, StringComparison.Ordinal);
        }
        Assert.Equal(before, await plane.VersionsAsync());
    }

    [Fact]
    public async Task AnExpiredTokenAWrongAudienceAnotherIssuerAndAForeignKeyAre401()
    {
        var before = await plane.VersionsAsync();
        using var foreignKey = new TestIdentityProvider();
        var now = DateTimeOffset.UtcNow;
        var cases = new (string Token, string Mentioned)[]
        {
            (Token(now - TimeSpan.FromHours(3), ["Fjord.Operator"]), "expired"),
            (Token(now, ["Fjord.Operator"], new Dictionary<string, object?> { ["aud"] = "someone-else" }), "issued for another API"),
            (Token(now, ["Fjord.Operator"], new Dictionary<string, object?> { ["iss"] = "https://evil.example.com/" }), "not known"),
            (foreignKey.Issue(now, new Dictionary<string, object?> { ["roles"] = new[] { "Fjord.Operator" } }), "not known"),
            (TestIdentityProvider.IssueUnsigned(now), "Entra ID access token"),
        };
        foreach (var (token, mentioned) in cases)
        {
            using var client = plane.Client(token);
            var call = await ApiCall.SendAsync(client, HttpMethod.Put, $"/api/v1/tenants/{NewId()}", "{}");
            Assert.Contains(mentioned, call.AssertProblem(HttpStatusCode.Unauthorized), StringComparison.Ordinal);
        }
        Assert.Equal(before, await plane.VersionsAsync());
    }
}
