using Fjord.Cli;
using Fjord.ControlPlane.ApiKeys;
using Fjord.ControlPlane.Tests.Functions;
using Microsoft.Extensions.Time.Testing;

namespace Fjord.ControlPlane.Tests.ApiKeys;

/// <summary>API keys in Table storage (the control plane fixture's Azurite, each test its own table).</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class ApiKeyStoreTests(ControlPlaneFixture plane)
{
    private readonly string _table = "keys" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task AKeyChecksUntilItExpiresAndOnlyWithItsOwnSecret()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var store = new ApiKeyStore(plane.Service, time, _table);
        await store.InitializeAsync(CancellationToken.None);
        var operatorKey = await store.CreateOperatorKeyAsync(TimeSpan.FromHours(1), "ops", CancellationToken.None);
        var tenantKey = await store.CreateTenantKeyAsync("acme", TimeSpan.FromHours(2), null, CancellationToken.None);

        Assert.Equal((ApiKeyCheck.Valid, operatorKey.Principal), await store.CheckAsync(operatorKey.Secret, CancellationToken.None));
        Assert.Equal((ApiKeyCheck.Valid, tenantKey.Principal), await store.CheckAsync(tenantKey.Secret, CancellationToken.None));
        Assert.True(operatorKey.Principal.IsOperator);
        Assert.False(tenantKey.Principal.CanAccess("other"));
        Assert.DoesNotContain(operatorKey.Secret, operatorKey.ToString(), StringComparison.Ordinal);
        var swapped = tenantKey.Secret[..tenantKey.Secret.LastIndexOf('.')] + operatorKey.Secret[operatorKey.Secret.LastIndexOf('.')..];
        Assert.Equal(ApiKeyCheck.Unknown, (await store.CheckAsync(swapped, CancellationToken.None)).Check);
        Assert.Equal(ApiKeyCheck.Malformed, (await store.CheckAsync("fjk.nothex.secret", CancellationToken.None)).Check);

        time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(ApiKeyCheck.Expired, (await store.CheckAsync(operatorKey.Secret, CancellationToken.None)).Check);
        Assert.Equal(ApiKeyCheck.Valid, (await store.CheckAsync(tenantKey.Secret, CancellationToken.None)).Check);

        // The reaper keeps an expired key for its grace period, so its 401 can still say "expired".
        Assert.Equal(0, await store.DeleteExpiredAsync(TimeSpan.FromMinutes(30), CancellationToken.None));
        time.Advance(TimeSpan.FromMinutes(31));
        Assert.Equal(1, await store.DeleteExpiredAsync(TimeSpan.FromMinutes(30), CancellationToken.None));
        Assert.Equal(ApiKeyCheck.Unknown, (await store.CheckAsync(operatorKey.Secret, CancellationToken.None)).Check);
        Assert.Equal(ApiKeyCheck.Valid, (await store.CheckAsync(tenantKey.Secret, CancellationToken.None)).Check);
        Assert.True(await store.DeleteAsync(tenantKey.Principal.KeyId, CancellationToken.None));
        Assert.Equal(ApiKeyCheck.Unknown, (await store.CheckAsync(tenantKey.Secret, CancellationToken.None)).Check);
    }

    [Fact]
    public async Task TheCliSeedsAnOperatorKeyThatTheApiAccepts()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await FjordCli.RunAsync(
            ["api-key", "create", "--table-connection-string", plane.ConnectionString, "--api-keys-table", plane.ApiKeyTable, "--lifetime-days", "1", "--description", "seed"],
            output, error, CancellationToken.None);
        Assert.True(code == 0, error.ToString());
        var key = output.ToString().Trim();
        Assert.StartsWith("fjk.", key, StringComparison.Ordinal);
        Assert.Contains("operator key", error.ToString(), StringComparison.Ordinal);

        using var client = plane.Client(key);
        (await ApiCall.SendAsync(client, HttpMethod.Get, "/api/v1/tenants")).AssertStatus(System.Net.HttpStatusCode.OK);

        Assert.Equal(2, await FjordCli.RunAsync(["api-key", "create", "--table-connection-string", plane.ConnectionString, "--tenant", "Bad!"], output, error, CancellationToken.None));
    }
}
