using Azure.Data.Tables;
using Azure.Identity;
using Fjord.ControlPlane.Acls;
using Fjord.ControlPlane.ApiKeys;
using Fjord.ControlPlane.Identity;
using Fjord.ControlPlane.Quotas;
using Fjord.ControlPlane.Tenants;
using Fjord.ControlPlane.Users;
using Fjord.Functions.Certificates;
using Fjord.Functions.Cluster;
using Fjord.Functions.Groups;
using Fjord.Functions.Identity;
using Fjord.Functions.Maintenance;
using Fjord.Functions.Observability;
using Fjord.Functions.Topics;
using Fjord.Security.Authorization;
using Fjord.Security.Credentials;
using Fjord.Security.Quotas;
using Fjord.Security.Tenancy;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Fjord.Functions;

/// <summary>The services the functions take, registered alike by the Functions worker and by the local host.</summary>
public static class ControlPlaneServiceCollectionExtensions
{
    /// <summary>The brokers' <c>fjord.quota.table</c>: client quotas (default <c>fjordquotas</c>).</summary>
    public const string QuotaTableSetting = "FJORD_QUOTA_TABLE";

    public static IServiceCollection AddFjordControlPlane(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSingleton(TimeProvider.System);
        // Read lazily: a host that starts without the settings still answers, and says what is missing on first use.
        services.AddSingleton(_ => ControlPlaneSettings.From(configuration));
        services.AddSingleton(sp =>
        {
            var settings = sp.GetRequiredService<ControlPlaneSettings>();
            return settings.TableConnection is { } connection
                ? new TableServiceClient(connection)
                : new TableServiceClient(settings.TableEndpoint, new DefaultAzureCredential());
        });
        services.AddSingleton<ITenantStore>(sp => new TableTenantStore(
            sp.GetRequiredService<TableServiceClient>(),
            sp.GetRequiredService<ControlPlaneSettings>().TenantTable,
            sp.GetRequiredService<ILoggerFactory>().CreateLogger<TableTenantStore>()));
        services.AddSingleton<IScramCredentialStore>(sp => new TableScramCredentialStore(
            sp.GetRequiredService<TableServiceClient>(), sp.GetRequiredService<ControlPlaneSettings>().ScramTable));
        services.AddSingleton<IAclStore>(sp => new TableAclStore(
            sp.GetRequiredService<TableServiceClient>(), sp.GetRequiredService<ControlPlaneSettings>().AclTable));
        services.AddSingleton(sp => new ApiKeyStore(
            sp.GetRequiredService<TableServiceClient>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ControlPlaneSettings>().ApiKeyTable));
        services.AddSingleton(sp => EntraIdSettings.From(configuration) is { } entra
            ? new BearerAuthenticator(sp.GetRequiredService<ApiKeyStore>(), new EntraIdAuthenticator(entra, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<EntraIdAuthenticator>>()))
            : new BearerAuthenticator(sp.GetRequiredService<ApiKeyStore>()));
        services.AddSingleton<IClientQuotaStore>(sp => new TableClientQuotaStore(
            sp.GetRequiredService<TableServiceClient>(), configuration[QuotaTableSetting] is { Length: > 0 } table ? table.Trim() : TableClientQuotaStore.DefaultTableName));
        services.AddSingleton<QuotaAdministration>();
        services.AddSingleton<TenantAdministration>();
        services.AddSingleton<UserAdministration>();
        services.AddSingleton<AclAdministration>();
        services.AddSingleton<ControlPlaneTables>();
        services.AddSingleton<Http.ApiRequests>();
        services.AddFjordTopics(configuration);
        services.AddFjordClusterStatus(configuration);
        services.AddFjordGroups(configuration);
        services.AddFjordCertificates(configuration);
        services.AddFjordMaintenance(configuration);
        services.AddFjordObservability(configuration);
        return services;
    }
}
