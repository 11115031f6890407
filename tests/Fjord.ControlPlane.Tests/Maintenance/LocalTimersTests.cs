using Fjord.Cluster;
using Fjord.ControlPlane.Tests.Functions;
using Fjord.ControlPlane.Usage;
using Fjord.Functions;
using Fjord.Functions.Certificates;
using Fjord.Functions.Groups;
using Fjord.Functions.LocalHost;
using Fjord.Functions.Maintenance;
using Fjord.Functions.Topics;
using Fjord.Security.Tenancy;
using Fjord.Testing;

namespace Fjord.ControlPlane.Tests.Maintenance;

/// <summary>The local host runs the timer functions as the Functions host would, built from the same registrations.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class LocalTimersTests(ControlPlaneFixture plane)
{
    [Fact]
    public void TheLocalHostFindsEveryTimerFunction()
    {
        var names = LocalTimers.Discover(typeof(ControlPlaneTables).Assembly).Select(t => t.Name).Order(StringComparer.Ordinal);

        Assert.Equal(["ReapExpiredApiKeys", "ReconcileCertificates", "RollUpUsage"], names);
    }

    [Fact]
    public async Task WithAnIntervalTheLocalHostRunsTheReconcilerAndItRollsUpUsage()
    {
        var suffix = Guid.NewGuid().ToString("N")[..10];
        var tenants = new TableTenantStore(plane.Service, "ltenants" + suffix);
        await tenants.InitializeAsync(CancellationToken.None);
        var tenant = "lt" + suffix[..8];
        Assert.True(await tenants.CreateAsync(new Tenant(tenant, tenant, TenantState.Active, "cluster", TenantLimits.None, DateTimeOffset.UtcNow), CancellationToken.None));
        await new TableMetadataStore(plane.Service, "lmeta" + suffix).InitializeAsync(CancellationToken.None);
        var usage = new TenantUsageStore(plane.Service, "lusage" + suffix);

        // No CA and no keystores: the certificate task has nothing to renew and must not fail the others.
        await using var app = LocalControlPlane.Build(
        [
            "--urls", LocalControlPlane.DefaultUrls,
            $"--{ControlPlaneSettings.TableConnectionSetting}={plane.ConnectionString}",
            $"--{ControlPlaneSettings.TenantTableSetting}=ltenants{suffix}",
            $"--{ControlPlaneSettings.ScramTableSetting}=lscram{suffix}",
            $"--{ControlPlaneSettings.AclTableSetting}=lacls{suffix}",
            $"--{ControlPlaneSettings.ApiKeyTableSetting}=lkeys{suffix}",
            $"--{ControlPlaneServiceCollectionExtensions.QuotaTableSetting}=lquotas{suffix}",
            $"--{TopicServiceCollectionExtensions.MetadataTableSetting}=lmeta{suffix}",
            $"--{GroupServiceCollectionExtensions.PartitionStatsTableSetting}=lstats{suffix}",
            $"--{MaintenanceServiceCollectionExtensions.UsageTableSetting}=lusage{suffix}",
            $"--{CertificateServiceCollectionExtensions.CertificateTableSetting}=lcerts{suffix}",
            $"--{CertificateServiceCollectionExtensions.RevocationTableSetting}=lrevoked{suffix}",
            $"--{LocalTimers.IntervalSetting}=1",
            "--Logging:LogLevel:Default=Warning",
        ]);
        await app.StartAsync();
        try
        {
            await Poll.UntilAsync(async () => (await usage.ListAsync(tenant, DateTimeOffset.UtcNow.AddHours(-2), CancellationToken.None)).Count > 0,
                TimeSpan.FromSeconds(60), "the local host's timer to roll up the tenant's usage");
        }
        finally
        {
            await app.StopAsync();
        }
    }
}
