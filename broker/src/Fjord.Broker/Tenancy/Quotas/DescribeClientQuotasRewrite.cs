using Fjord.Broker.Handlers.Quotas;
using Fjord.Broker.Network;
using Fjord.Protocol;
using Fjord.Security.Quotas;
using Fjord.Security.Tenancy;

namespace Fjord.Broker.Tenancy.Quotas;

/// <summary>
/// A tenant describes its own quotas only: its filter gets <c>tenant=&lt;id&gt;</c> (exact) added and its user
/// names prefixed, so only its entities can match (strict matching still counts right, since every stored entity of
/// the tenant carries that component); the answer loses the tenant component again and the tenant's cap.
/// </summary>
public sealed class DescribeClientQuotasRewrite : TenantRewrite<DescribeClientQuotasRequest, DescribeClientQuotasResponse>
{
    public static readonly DescribeClientQuotasRewrite Instance = new();

    public override DescribeClientQuotasResponse? ToStored(TenantScope tenant, RequestContext context, DescribeClientQuotasRequest request)
    {
        foreach (var c in request.Components)
        {
            if (TenantQuotaEntities.TypeProblem(c.EntityType) is { } problem)
                return new DescribeClientQuotasResponse { ErrorCode = (short)ErrorCode.InvalidRequest, ErrorMessage = problem, Entries = null };
            if (c.MatchType == ClientQuotaFilter.MatchExact) c.Match = TenantQuotaEntities.ToStoredName(tenant, c.EntityType, c.Match);
        }
        request.Components.Add(new DescribeClientQuotasRequest.ComponentData
        {
            EntityType = ClientQuotaEntity.Tenant,
            MatchType = ClientQuotaFilter.MatchExact,
            Match = tenant.Id,
        });
        return null;
    }

    public override void ToClient(TenantScope tenant, RequestContext context, DescribeClientQuotasRequest request, DescribeClientQuotasResponse response)
    {
        response.ErrorMessage = tenant.ToClientMessage(response.ErrorMessage);
        response.Entries?.RemoveAll(entry => !ToClient(tenant, entry));
    }

    /// <summary>Turns one entry back into the tenant's terms; false when it is not the tenant's to see.</summary>
    private static bool ToClient(TenantScope tenant, DescribeClientQuotasResponse.EntryData entry)
    {
        var ownTenant = entry.Entity.Find(e => e.EntityType == ClientQuotaEntity.Tenant);
        if (ownTenant is null || ownTenant.EntityName != tenant.Id) return false;
        entry.Entity.Remove(ownTenant);
        // The tenant component alone is the operator's cap on the tenant.
        if (entry.Entity.Count == 0) return false;
        foreach (var e in entry.Entity)
        {
            if (TenantQuotaEntities.TypeProblem(e.EntityType) is not null) return false;
            if (!TenantQuotaEntities.TryToClientName(tenant, e.EntityType, e.EntityName, out var name)) return false;
            e.EntityName = name;
        }
        return true;
    }
}
