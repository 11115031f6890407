using Fjord.ControlPlane.Client;
using Fjord.ControlPlane.Tests.Functions;

namespace Fjord.ControlPlane.Tests.Client;

/// <summary>The API keys client against the local control plane: keys it makes work, and what an operator and a tenant key may do differs.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class ApiKeysClientTests(ControlPlaneFixture fixture) : IDisposable
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));
    private readonly ControlPlaneClient _client = new(fixture.BaseAddress, fixture.OperatorKey);

    private CancellationToken Ct => _timeout.Token;

    public void Dispose()
    {
        _client.Dispose();
        _timeout.Dispose();
    }

    [Fact]
    public async Task ATenantKeyMadeByTheOperatorListsAndDeletesOnlyItsTenantsKeys()
    {
        var tenant = "kc-" + Guid.NewGuid().ToString("N")[..8];
        await _client.Tenants.CreateAsync(tenant, ct: Ct);

        var key = await _client.ApiKeys.CreateAsync(tenant, 7, "client test", Ct);

        Assert.Equal(tenant, key.Tenant);
        Assert.StartsWith($"fjk.{key.Id}.", key.Key, StringComparison.Ordinal);
        Assert.DoesNotContain(key.Key!, key.ToString(), StringComparison.Ordinal);
        Assert.InRange(key.ExpiresAt - key.CreatedAt, TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1), TimeSpan.FromDays(7) + TimeSpan.FromMinutes(1));
        using var tenantClient = new ControlPlaneClient(fixture.BaseAddress, key.Key!);
        var everyKey = await Assert.ThrowsAsync<ControlPlaneException>(() => tenantClient.ApiKeys.ListPageAsync(ct: Ct));
        Assert.Equal(403, everyKey.Status);
        var own = new List<string>();
        await foreach (var k in tenantClient.ApiKeys.ListAllAsync(tenant, ct: Ct)) own.Add(k.Id);
        Assert.Equal([key.Id], own);
        var outliving = await Assert.ThrowsAsync<ControlPlaneException>(() => tenantClient.ApiKeys.CreateAsync(tenant, 30, ct: Ct));
        Assert.Equal(403, outliving.Status);
        var second = await tenantClient.ApiKeys.CreateAsync(tenant, 1, ct: Ct);

        Assert.True(await tenantClient.ApiKeys.DeleteAsync(second.Id, tenant, Ct));
        Assert.False(await _client.ApiKeys.DeleteAsync(second.Id, ct: Ct));
        var operatorKey = await _client.ApiKeys.CreateAsync(description: "operator", ct: Ct);
        Assert.Null(operatorKey.Tenant);
        Assert.False(await tenantClient.ApiKeys.DeleteAsync(operatorKey.Id, tenant, Ct));
        Assert.True(await _client.ApiKeys.DeleteAsync(operatorKey.Id, ct: Ct));
        Assert.Null(await fixture.ApiKeys.GetAsync(operatorKey.Id, Ct));
    }
}
