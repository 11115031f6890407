using Fjord.Broker.Network;
using Fjord.Protocol;
using Fjord.Security.Authorization;
using Fjord.Security.Tenancy;

namespace Fjord.Broker.Tenancy.Acls;

/// <summary>
/// DescribeAcls: the filter's resource name and principal into the tenant's namespace; the handler then matches
/// only the tenant's own bindings (see <see cref="TenantAcls.Matcher"/>), which come back in the tenant's names. A
/// filter on USER or DELEGATION_TOKEN resources is refused with INVALID_REQUEST: those ACLs are the operator's.
/// </summary>
public sealed class DescribeAclsRewrite : TenantRewrite<DescribeAclsRequest, DescribeAclsResponse>
{
    public static readonly DescribeAclsRewrite Instance = new();

    public override DescribeAclsResponse? ToStored(TenantScope tenant, RequestContext context, DescribeAclsRequest request)
    {
        var type = (ResourceType)request.ResourceTypeFilter;
        if (TenantAcls.IsOperatorOnly(type))
            return new DescribeAclsResponse { ErrorCode = (short)ErrorCode.InvalidRequest, ErrorMessage = TenantAcls.OperatorOnlyMessage(type) };
        if (request.ResourceNameFilter is { } name)
        {
            (request.ResourceNameFilter, var patternType) = TenantAcls.ToStored(tenant, name, (PatternType)request.PatternTypeFilter);
            request.PatternTypeFilter = (sbyte)patternType;
        }
        if (request.PrincipalFilter is { } principal) request.PrincipalFilter = TenantAcls.ToStoredPrincipal(tenant, principal);
        return null;
    }

    public override void ToClient(TenantScope tenant, RequestContext context, DescribeAclsRequest request, DescribeAclsResponse response)
    {
        response.ErrorMessage = tenant.ToClientMessage(response.ErrorMessage);
        var kept = 0;
        for (var i = 0; i < response.Resources.Count; i++)
        {
            var resource = response.Resources[i];
            if (TenantAcls.ToClient(tenant, new ResourcePattern((ResourceType)resource.ResourceType, resource.ResourceName, (PatternType)resource.PatternType))
                is not { } pattern)
                continue;
            (resource.ResourceName, resource.PatternType) = (pattern.Name, (sbyte)pattern.PatternType);
            TenantAcls.KeepOwnPrincipals(tenant, resource.Acls, static a => a.Principal, static (a, principal) => a.Principal = principal);
            if (resource.Acls.Count > 0) response.Resources[kept++] = resource;
        }
        response.Resources.RemoveRange(kept, response.Resources.Count - kept);
    }
}
