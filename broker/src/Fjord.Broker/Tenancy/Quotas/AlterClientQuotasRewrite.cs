using Fjord.Broker.Network;
using Fjord.Protocol;
using Fjord.Security.Quotas;
using Fjord.Security.Tenancy;

namespace Fjord.Broker.Tenancy.Quotas;

/// <summary>
/// A tenant alters its own quotas only: each entry's entity gets <c>tenant=&lt;id&gt;</c> and its user names
/// prefixed. An entry naming the tenant or ip entity type is taken out before the handler sees it and answered
/// INVALID_REQUEST in its place, so the other entries of the request are still applied, as Kafka treats entries.
/// </summary>
public sealed class AlterClientQuotasRewrite : TenantRewrite<AlterClientQuotasRequest, AlterClientQuotasResponse>
{
    public static readonly AlterClientQuotasRewrite Instance = new();

    public override AlterClientQuotasResponse? ToStored(TenantScope tenant, RequestContext context, AlterClientQuotasRequest request)
    {
        List<(int Index, AlterClientQuotasRequest.EntryData Entry, string Problem)>? refused = null;
        var kept = new List<AlterClientQuotasRequest.EntryData>(request.Entries.Count);
        for (var i = 0; i < request.Entries.Count; i++)
        {
            var entry = request.Entries[i];
            var problem = entry.Entity.Select(e => TenantQuotaEntities.TypeProblem(e.EntityType)).FirstOrDefault(p => p is not null);
            if (problem is not null)
            {
                (refused ??= []).Add((i, entry, problem));
                continue;
            }
            foreach (var e in entry.Entity)
                e.EntityName = TenantQuotaEntities.ToStoredName(tenant, e.EntityType, e.EntityName);
            entry.Entity.Add(new AlterClientQuotasRequest.EntityData { EntityType = ClientQuotaEntity.Tenant, EntityName = tenant.Id });
            kept.Add(entry);
        }
        request.Entries = kept;
        context.TenantRewriteState = refused;
        return null;
    }

    public override void ToClient(TenantScope tenant, RequestContext context, AlterClientQuotasRequest request, AlterClientQuotasResponse response)
    {
        foreach (var entry in response.Entries)
        {
            entry.Entity.RemoveAll(e => e.EntityType == ClientQuotaEntity.Tenant);
            foreach (var e in entry.Entity)
                if (TenantQuotaEntities.TryToClientName(tenant, e.EntityType, e.EntityName, out var name)) e.EntityName = name;
            entry.ErrorMessage = tenant.ToClientMessage(entry.ErrorMessage);
        }
        if (context.TenantRewriteState is not List<(int Index, AlterClientQuotasRequest.EntryData Entry, string Problem)> refused) return;
        foreach (var (index, entry, problem) in refused)
        {
            var answer = new AlterClientQuotasResponse.EntryData { ErrorCode = (short)ErrorCode.InvalidRequest, ErrorMessage = problem };
            foreach (var e in entry.Entity)
                answer.Entity.Add(new AlterClientQuotasResponse.EntityData { EntityType = e.EntityType, EntityName = e.EntityName });
            response.Entries.Insert(Math.Min(index, response.Entries.Count), answer);
        }
    }
}
