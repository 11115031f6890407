using Azure.Data.Tables;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using Fjord.Cluster;
using Fjord.ControlPlane.Certificates;
using Fjord.ControlPlane.Usage;
using Fjord.Functions.Certificates;
using Fjord.Functions.Groups;
using Fjord.Security.Tenancy;
using Fjord.Security.Tls;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Fjord.Functions.Maintenance;

/// <summary>
/// The reconciler's services. Where the brokers' keystores are (what certificate renewal rewrites):
/// <list type="bullet">
/// <item><c>FJORD_BROKER_KEYSTORE_VAULT_URL</c>: the vault holding the secrets <c>broker-&lt;id&gt;-keystore</c>; by
/// default the CA's vault (<c>FJORD_CA_KEYVAULT_URL</c>), where infra's postprovision hook puts them. Renewing writes
/// secrets, so the app's identity needs Key Vault Secrets Officer there.</item>
/// <item><c>FJORD_BROKER_KEYSTORE_PATHS</c>: locally, the brokers' PEM keystore files, comma-separated.</item>
/// </list>
/// With neither, no keystore is renewed (the rest of the reconciler still runs). <c>FJORD_USAGE_TABLE</c> names the
/// usage roll-up's table (default <c>fjordtenantusage</c>).
/// </summary>
public static class MaintenanceServiceCollectionExtensions
{
    public const string KeystoreVaultUrlSetting = "FJORD_BROKER_KEYSTORE_VAULT_URL";
    public const string KeystorePathsSetting = "FJORD_BROKER_KEYSTORE_PATHS";
    public const string UsageTableSetting = "FJORD_USAGE_TABLE";

    public static IServiceCollection AddFjordMaintenance(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSingleton(_ => Keystores(configuration));
        services.AddSingleton(sp => new CertificateReconciler(
            sp.GetRequiredService<ICertificateAuthoritySource>(), sp.GetRequiredService<CertificateRegistry>(), sp.GetRequiredService<ICertificateRevocationStore>(),
            sp.GetRequiredService<CertificateAdministration>(), sp.GetRequiredService<ITenantStore>(), sp.GetRequiredService<IBrokerKeystoreStore>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<CertificateReconciler>>()));
        services.AddSingleton(sp => new TenantUsageStore(sp.GetRequiredService<TableServiceClient>(), Setting(configuration, UsageTableSetting) ?? TenantUsageStore.DefaultTableName));
        services.AddSingleton(sp => new TenantUsageRollup(
            sp.GetRequiredService<ITenantStore>(), sp.GetRequiredService<TableMetadataStore>(),
            new TablePartitionStatsStore(sp.GetRequiredService<TableServiceClient>(), Setting(configuration, GroupServiceCollectionExtensions.PartitionStatsTableSetting) ?? TablePartitionStatsStore.DefaultTableName),
            sp.GetRequiredService<TenantUsageStore>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ReconcilerRun>();
        return services;
    }

    private static IBrokerKeystoreStore Keystores(IConfiguration configuration)
    {
        if ((Setting(configuration, KeystoreVaultUrlSetting) ?? Setting(configuration, CertificateServiceCollectionExtensions.CaKeyVaultUrlSetting)) is { } vault
            && Uri.TryCreate(vault, UriKind.Absolute, out var vaultUri) && vaultUri.Scheme == Uri.UriSchemeHttps)
            return new KeyVaultBrokerKeystoreStore(new SecretClient(vaultUri, new DefaultAzureCredential()));
        var paths = (Setting(configuration, KeystorePathsSetting) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return new PemFileBrokerKeystoreStore(paths);
    }

    private static string? Setting(IConfiguration configuration, string name) => string.IsNullOrWhiteSpace(configuration[name]) ? null : configuration[name]!.Trim();
}
