using Fjord.ControlPlane.ApiKeys;
using Fjord.Security.Authorization;
using Fjord.Security.Credentials;
using Fjord.Security.Tenancy;
using Microsoft.Extensions.Configuration;

namespace Fjord.Functions;

/// <summary>
/// Where the control plane finds the cluster's tables, read from app settings (environment variables in Azure and
/// under the local host):
/// <list type="bullet">
/// <item><c>FJORD_TABLE_CONNECTION</c>: a storage connection string (Azurite locally, or an account key). Wins when set.</item>
/// <item><c>FJORD_TABLE_ENDPOINT</c>: otherwise, the Table endpoint (<c>https://&lt;account&gt;.table.core.windows.net</c>),
/// reached with DefaultAzureCredential: the Function App's managed identity in Azure.</item>
/// <item><c>FJORD_TENANT_TABLE</c>, <c>FJORD_SCRAM_TABLE</c>, <c>FJORD_ACL_TABLE</c>: the tables the brokers read; the
/// defaults equal the brokers' defaults for <c>fjord.tenant.table</c>, <c>fjord.scram.table</c> and
/// <c>fjord.acl.table</c>, and must be changed together with them.</item>
/// <item><c>FJORD_APIKEY_TABLE</c>: the control plane's own API keys (default <c>fjordapikeys</c>).</item>
/// </list>
/// </summary>
public sealed record ControlPlaneSettings(
    string? TableConnection,
    Uri? TableEndpoint,
    string TenantTable,
    string ScramTable,
    string AclTable,
    string ApiKeyTable)
{
    public const string TableConnectionSetting = "FJORD_TABLE_CONNECTION";
    public const string TableEndpointSetting = "FJORD_TABLE_ENDPOINT";
    public const string TenantTableSetting = "FJORD_TENANT_TABLE";
    public const string ScramTableSetting = "FJORD_SCRAM_TABLE";
    public const string AclTableSetting = "FJORD_ACL_TABLE";
    public const string ApiKeyTableSetting = "FJORD_APIKEY_TABLE";

    public static ControlPlaneSettings From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var connection = NonEmpty(configuration[TableConnectionSetting]);
        var endpoint = NonEmpty(configuration[TableEndpointSetting]);
        if (connection is null && endpoint is null)
            throw new InvalidOperationException($"Set {TableConnectionSetting} (a storage connection string) or {TableEndpointSetting} (a Table endpoint reached with the app's identity).");
        Uri? endpointUri = null;
        if (connection is null && !Uri.TryCreate(endpoint, UriKind.Absolute, out endpointUri))
            throw new InvalidOperationException($"{TableEndpointSetting} '{endpoint}' is not an absolute URI.");
        return new ControlPlaneSettings(
            connection,
            endpointUri,
            NonEmpty(configuration[TenantTableSetting]) ?? TableTenantStore.DefaultTableName,
            NonEmpty(configuration[ScramTableSetting]) ?? TableScramCredentialStore.DefaultTableName,
            NonEmpty(configuration[AclTableSetting]) ?? TableAclStore.DefaultTableName,
            NonEmpty(configuration[ApiKeyTableSetting]) ?? ApiKeyStore.DefaultTableName);
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
