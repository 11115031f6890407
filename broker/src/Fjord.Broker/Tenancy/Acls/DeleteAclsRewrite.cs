using Fjord.Broker.Network;
using Fjord.Protocol;
using Fjord.Security.Authorization;
using Fjord.Security.Tenancy;

namespace Fjord.Broker.Tenancy.Acls;

/// <summary>
/// DeleteAcls: each filter's resource name and principal into the tenant's namespace; the handler then deletes only
/// the tenant's own bindings (see <see cref="TenantAcls.Matcher"/>), so even a match-everything filter leaves other
/// tenants' and the operator's ACLs alone. The deleted bindings come back in the tenant's names. A filter on USER
/// or DELEGATION_TOKEN resources is answered INVALID_REQUEST without reaching the handler.
/// </summary>
public sealed class DeleteAclsRewrite : TenantRewrite<DeleteAclsRequest, DeleteAclsResponse>
{
    public static readonly DeleteAclsRewrite Instance = new();

    public override DeleteAclsResponse? ToStored(TenantScope tenant, RequestContext context, DeleteAclsRequest request)
    {
        List<(int Index, ResourceType Type)>? refused = null;
        var kept = new List<DeleteAclsRequest.DeleteAclsFilter>(request.Filters.Count);
        for (var i = 0; i < request.Filters.Count; i++)
        {
            var filter = request.Filters[i];
            var type = (ResourceType)filter.ResourceTypeFilter;
            if (TenantAcls.IsOperatorOnly(type))
            {
                (refused ??= []).Add((i, type));
                continue;
            }
            if (filter.ResourceNameFilter is { } name)
            {
                (filter.ResourceNameFilter, var patternType) = TenantAcls.ToStored(tenant, name, (PatternType)filter.PatternTypeFilter);
                filter.PatternTypeFilter = (sbyte)patternType;
            }
            if (filter.PrincipalFilter is { } principal) filter.PrincipalFilter = TenantAcls.ToStoredPrincipal(tenant, principal);
            kept.Add(filter);
        }
        if (refused is not null)
        {
            request.Filters = kept;
            context.TenantRewriteState = refused;
        }
        return null;
    }

    public override void ToClient(TenantScope tenant, RequestContext context, DeleteAclsRequest request, DeleteAclsResponse response)
    {
        foreach (var result in response.FilterResults)
        {
            result.ErrorMessage = tenant.ToClientMessage(result.ErrorMessage);
            var kept = 0;
            for (var i = 0; i < result.MatchingAcls.Count; i++)
            {
                var acl = result.MatchingAcls[i];
                var pattern = TenantAcls.ToClient(tenant, new ResourcePattern((ResourceType)acl.ResourceType, acl.ResourceName, (PatternType)acl.PatternType));
                var principal = TenantAcls.ToClientPrincipal(tenant, acl.Principal);
                if (pattern is null || principal is null) continue;
                (acl.ResourceName, acl.PatternType, acl.Principal) = (pattern.Name, (sbyte)pattern.PatternType, principal);
                acl.ErrorMessage = tenant.ToClientMessage(acl.ErrorMessage);
                result.MatchingAcls[kept++] = acl;
            }
            result.MatchingAcls.RemoveRange(kept, result.MatchingAcls.Count - kept);
        }
        if (context.TenantRewriteState is not List<(int Index, ResourceType Type)> refused) return;
        foreach (var (index, type) in refused)
            response.FilterResults.Insert(Math.Min(index, response.FilterResults.Count), new DeleteAclsResponse.DeleteAclsFilterResult
            {
                ErrorCode = (short)ErrorCode.InvalidRequest,
                ErrorMessage = TenantAcls.OperatorOnlyMessage(type),
            });
    }
}
