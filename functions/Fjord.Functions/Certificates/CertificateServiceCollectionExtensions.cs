using Azure.Data.Tables;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using Fjord.ControlPlane.Certificates;
using Fjord.Functions.Cluster;
using Fjord.Security.Tenancy;
using Fjord.Security.Tls;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Fjord.Functions.Certificates;

/// <summary>
/// The certificate resource's services. Where the cluster CA comes from:
/// <list type="bullet">
/// <item><c>FJORD_CA_KEYVAULT_URL</c> (<c>https://&lt;vault&gt;.vault.azure.net</c>) and <c>FJORD_CA_KEYVAULT_SECRET</c>
/// (default <c>fjord-cluster-ca</c>): in Azure, a Key Vault secret (or certificate) read with the app's managed identity;
/// PEM with key and certificate, or PKCS#12. Wins when set.</item>
/// <item><c>FJORD_CA_CERTIFICATE_PATH</c> and <c>FJORD_CA_KEY_PATH</c>: locally, the PEM files <c>security-init-local</c>
/// writes (<c>ca.pem</c>, <c>ca.key</c>); the key file must be readable by its owner only.</item>
/// </list>
/// Tables: <c>FJORD_CERTIFICATE_TABLE</c> (the registry, default <c>fjordcertificates</c>) and
/// <c>FJORD_CERTIFICATE_REVOCATION_TABLE</c> (what the brokers read as <c>fjord.certificate.revocation.table</c>,
/// default <c>fjordcertrevocations</c>; change both together).
/// </summary>
public static class CertificateServiceCollectionExtensions
{
    public const string CaKeyPathSetting = "FJORD_CA_KEY_PATH";
    public const string CaKeyVaultUrlSetting = "FJORD_CA_KEYVAULT_URL";
    public const string CaKeyVaultSecretSetting = "FJORD_CA_KEYVAULT_SECRET";
    public const string DefaultKeyVaultSecret = "fjord-cluster-ca";
    public const string CertificateTableSetting = "FJORD_CERTIFICATE_TABLE";
    public const string RevocationTableSetting = "FJORD_CERTIFICATE_REVOCATION_TABLE";

    public static IServiceCollection AddFjordCertificates(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSingleton(sp => CaSource(configuration, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new CertificateRegistry(sp.GetRequiredService<TableServiceClient>(), Setting(configuration, CertificateTableSetting) ?? CertificateRegistry.DefaultTableName));
        services.AddSingleton<ICertificateRevocationStore>(sp => new TableCertificateRevocationStore(
            sp.GetRequiredService<TableServiceClient>(),
            Setting(configuration, RevocationTableSetting) ?? TableCertificateRevocationStore.DefaultTableName,
            sp.GetRequiredService<ILoggerFactory>().CreateLogger<TableCertificateRevocationStore>()));
        services.AddSingleton(sp => new CertificateAdministration(
            sp.GetRequiredService<ICertificateAuthoritySource>(), sp.GetRequiredService<CertificateRegistry>(), sp.GetRequiredService<ICertificateRevocationStore>(),
            sp.GetRequiredService<ITenantStore>(), sp.GetRequiredService<TimeProvider>()));
        return services;
    }

    private static ICertificateAuthoritySource CaSource(IConfiguration configuration, TimeProvider time)
    {
        if (Setting(configuration, CaKeyVaultUrlSetting) is { } vault)
        {
            if (!Uri.TryCreate(vault, UriKind.Absolute, out var vaultUri) || vaultUri.Scheme != Uri.UriSchemeHttps)
                return new UnconfiguredCertificateAuthoritySource($"{CaKeyVaultUrlSetting} to the vault's https:// URL ('{vault}' is not one)");
            var secrets = new SecretClient(vaultUri, new DefaultAzureCredential());
            return new KeyVaultCertificateAuthoritySource(secrets, Setting(configuration, CaKeyVaultSecretSetting) ?? DefaultKeyVaultSecret, time);
        }
        var certificate = Setting(configuration, ClusterFunctions.CaCertificatePathSetting);
        var key = Setting(configuration, CaKeyPathSetting);
        if (certificate is not null && key is not null) return new PemFileCertificateAuthoritySource(certificate, key);
        return new UnconfiguredCertificateAuthoritySource(
            $"{ClusterFunctions.CaCertificatePathSetting} and {CaKeyPathSetting} (PEM files), or {CaKeyVaultUrlSetting} and {CaKeyVaultSecretSetting} (Key Vault)");
    }

    private static string? Setting(IConfiguration configuration, string name) => string.IsNullOrWhiteSpace(configuration[name]) ? null : configuration[name]!.Trim();
}
