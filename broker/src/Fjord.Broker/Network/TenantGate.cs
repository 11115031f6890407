using Fjord.Security.Principals;
using Fjord.Security.Tenancy;

namespace Fjord.Broker.Network;

/// <summary>
/// The border every authenticated connection crosses: finds the tenant of its principal, refuses a tenant that is
/// not active or that has used up its connection limit. A tenant's connection limit is cluster-wide; each broker
/// admits its share, the limit divided by the live brokers (rounded up), as clients spread over every broker.
/// </summary>
public sealed class TenantGate(TenantCache tenants, Func<string, int> connectionsOf, Func<int> liveBrokers)
{
    public TenantCache Tenants { get; } = tenants;

    /// <param name="reauthenticating">A KIP-368 re-authentication: the connection is counted already.</param>
    public TenantAdmission Admit(KafkaPrincipal principal, bool reauthenticating = false)
    {
        ArgumentNullException.ThrowIfNull(principal);
        if (Tenants.Resolve(principal) is not { } tenant) return new TenantAdmission(principal, null, null);
        var admitted = principal with { TenantId = tenant.Id };
        if (!tenant.IsActive)
        {
            var state = tenant.Tenant.State == TenantState.Suspended ? "suspended" : "being deleted";
            return new TenantAdmission(admitted, tenant, $"Authentication failed: tenant {tenant.Id} is {state}");
        }
        if (!reauthenticating && tenant.Limits.MaxConnections is { } max)
        {
            var brokers = LiveBrokers();
            var share = ConnectionShare(max, brokers);
            if (connectionsOf(tenant.Id) >= share)
                return new TenantAdmission(admitted, tenant,
                    $"Authentication failed: tenant {tenant.Id} has reached its connection limit ({max} connections, {share} per broker on {brokers} brokers)");
        }
        return new TenantAdmission(admitted, tenant, null);
    }

    /// <summary>The tenant's authenticated connections on this broker.</summary>
    public int ConnectionsOf(string tenantId) => connectionsOf(tenantId);

    /// <summary>How many brokers share a tenant's connection limit.</summary>
    public int LiveBrokers() => Math.Max(1, liveBrokers());

    /// <summary>The part of a cluster-wide connection limit one of <paramref name="brokers"/> brokers admits.</summary>
    public static int ConnectionShare(int max, int brokers) => (max + brokers - 1) / brokers;
}
