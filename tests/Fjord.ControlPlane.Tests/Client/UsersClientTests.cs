using Fjord.ControlPlane.Client;
using Fjord.ControlPlane.Client.Users;
using Fjord.ControlPlane.Tests.Functions;
using Fjord.Security.Credentials;

namespace Fjord.ControlPlane.Tests.Client;

/// <summary>The users client against the local control plane, reading the SCRAM credentials back from the table.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class UsersClientTests(ControlPlaneFixture fixture) : IDisposable
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
    public async Task CreateShowsThePasswordOnceAndItMatchesTheStoredCredential()
    {
        var tenant = "uc-" + Guid.NewGuid().ToString("N")[..8];
        await _client.Tenants.CreateAsync(tenant, ct: Ct);

        var created = await _client.Users.CreateAsync(tenant, "app1", ["SCRAM-SHA-512"], 4096, Ct);
        var again = await _client.Users.CreateAsync(tenant, "app1", ["SCRAM-SHA-512"], 4096, Ct);

        Assert.True(created.Created);
        Assert.Equal($"{tenant}.app1", created.User.Username);
        Assert.Equal([new UserCredentialModel("SCRAM-SHA-512", 4096)], created.User.Credentials);
        Assert.DoesNotContain(created.User.Password!, created.User.ToString(), StringComparison.Ordinal);
        Assert.False(again.Created);
        Assert.Null(again.User.Password);
        var (credentials, _) = await fixture.Credentials.LoadAsync(Ct);
        var stored = Assert.Single(credentials, c => c.User == $"{tenant}.app1").Credential;
        Assert.Equal(stored.StoredKey, ScramCredentials.Create(ScramMechanism.ScramSha512, created.User.Password!, stored.Iterations, stored.Salt).StoredKey);

        var reset = await _client.Users.ResetPasswordAsync(tenant, "app1", Ct);
        Assert.NotEqual(created.User.Password, reset.Password);
        var defaults = await _client.Users.CreateAsync(tenant, "app2", ct: Ct);
        Assert.Equal(2, defaults.User.Credentials.Count);

        var names = new List<string>();
        await foreach (var u in _client.Users.ListAllAsync(tenant, 1, Ct)) names.Add(u.Name);
        Assert.Equal(["admin", "app1", "app2"], names);
        Assert.Equal($"{tenant}.app1", (await _client.Users.GetAsync(tenant, "app1", Ct))?.Username);

        Assert.True(await _client.Users.DeleteAsync(tenant, "app1", Ct));
        Assert.False(await _client.Users.DeleteAsync(tenant, "app1", Ct));
        Assert.Null(await _client.Users.GetAsync(tenant, "app1", Ct));
        var admin = await Assert.ThrowsAsync<ControlPlaneException>(() => _client.Users.DeleteAsync(tenant, "admin", Ct));
        Assert.Equal(409, admin.Status);
    }
}
