using Fjord.Security.Principals;
using Fjord.Security.Tenancy;

namespace Fjord.Broker.Network;

/// <summary>
/// What authentication decided about a principal's tenant: the principal as the session will carry it (with its
/// tenant id), the tenant (null for the operator's principals), or why the connection is refused.
/// </summary>
public readonly record struct TenantAdmission(KafkaPrincipal Principal, TenantScope? Tenant, string? Refusal)
{
    public bool Admitted => Refusal is null;
}
