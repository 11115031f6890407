using Azure.Data.Tables;
using Fjord.ControlPlane.Tenants;
using Fjord.Security.Authentication;
using Fjord.Security.Authorization;
using Fjord.Security.Credentials;
using Fjord.Security.Tenancy;
using Fjord.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fjord.ControlPlane.Tests.Tenants;

/// <summary>The control plane writes the tables the brokers read: a created admin authenticates against a broker's SCRAM cache.</summary>
public sealed class TenantAdministrationOnTableStorageTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task ATenantCreatedOnTableStorageAuthenticatesItsAdminAndDeletesToDeleting()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var ct = timeout.Token;
        var service = new TableServiceClient(azurite.ConnectionString);
        var suffix = Guid.NewGuid().ToString("N")[..12];
        var tenants = new TableTenantStore(service, "tenants" + suffix);
        var credentials = new TableScramCredentialStore(service, "scram" + suffix);
        var acls = new TableAclStore(service, "acls" + suffix);
        await Task.WhenAll(tenants.InitializeAsync(ct), credentials.InitializeAsync(ct), acls.InitializeAsync(ct));
        var admin = new TenantAdministration(tenants, credentials, acls, TimeProvider.System);

        var created = await admin.CreateTenantAsync("acme", "Acme", new TenantLimits(MaxTopics: 3), ct);

        Assert.Equal(created.Tenant, await new TableTenantStore(service, "tenants" + suffix).GetAsync("acme", ct));
        Assert.Equal(4, (await acls.LoadAsync(ct)).Acls.Count);
        await using var cache = new ScramCredentialCache(credentials, TimeSpan.FromSeconds(1), TimeProvider.System, NullLogger.Instance);
        await cache.StartAsync(ct);
        var server = new ScramSaslServer(ScramMechanism.ScramSha512, cache);
        var client = new ScramSaslClient(ScramMechanism.ScramSha512, created.Admin.Username, created.Admin.Password);
        var serverFirst = await server.EvaluateAsync(client.InitialResponse(), ct);
        Assert.True((await server.EvaluateAsync(client.EvaluateChallenge(serverFirst.Challenge)!, ct)).IsComplete);

        Assert.Equal(TenantState.Deleting, (await admin.DeleteAsync("acme", ct)).State);
        Assert.False(await admin.WaitForDeletionAsync("acme", TimeSpan.Zero, ct));
        // What the controller's reaper does last.
        await tenants.DeleteAsync("acme", ct);
        Assert.True(await admin.WaitForDeletionAsync("acme", TimeSpan.FromSeconds(30), ct));
    }
}
