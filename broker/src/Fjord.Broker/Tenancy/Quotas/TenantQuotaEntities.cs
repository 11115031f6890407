using Fjord.Security.Quotas;
using Fjord.Security.Tenancy;

namespace Fjord.Broker.Tenancy.Quotas;

/// <summary>
/// How a tenant's quota entities are stored: every one gets the component <c>tenant=&lt;id&gt;</c>, and a named user
/// becomes its stored principal name (<c>bob</c> → <c>acme.bob</c>). So the tenant's default user is
/// <c>{tenant=acme, user=null}</c> ("each of acme's users"), apart from the operator's cluster-wide <c>{user=null}</c>;
/// its client ids are <c>{tenant=acme, client-id=app}</c>, apart from another tenant's client of the same id. The
/// operator's <c>{tenant=acme}</c> alone is the tenant's cap: the tenant does not see it.
/// </summary>
internal static class TenantQuotaEntities
{
    /// <summary>Why a tenant may not name an entity type, or null: tenant and ip entities are the operator's.</summary>
    public static string? TypeProblem(string type) => type is ClientQuotaEntity.Tenant or ClientQuotaEntity.Ip
        ? $"Entity type {type} is not available to a tenant: a tenant sets quotas on its users and client ids"
        : null;

    public static string? ToStoredName(TenantScope tenant, string type, string? name) =>
        type == ClientQuotaEntity.User && name is not null ? tenant.ToStored(name) : name;

    /// <summary>The tenant's name for a stored component's name; false when it is not the tenant's.</summary>
    public static bool TryToClientName(TenantScope tenant, string type, string? storedName, out string? name)
    {
        name = storedName;
        if (type != ClientQuotaEntity.User || storedName is null) return true;
        return tenant.TryToClient(storedName, out name);
    }
}
