using Fjord.Broker.Network;
using Fjord.Protocol;
using Fjord.Security.Tenancy;

namespace Fjord.Broker.Tenancy.Groups;

/// <summary>
/// ListGroups: the request names nothing; the answer keeps the tenant's groups only. A tenant's Describe on its
/// own cluster resource lists "every group", which must still mean every group of its own.
/// </summary>
public sealed class ListGroupsRewrite : TenantRewrite<ListGroupsRequest, ListGroupsResponse>
{
    public static readonly ListGroupsRewrite Instance = new();

    public override ListGroupsResponse? ToStored(TenantScope tenant, RequestContext context, ListGroupsRequest request) => null;

    public override void ToClient(TenantScope tenant, RequestContext context, ListGroupsRequest request, ListGroupsResponse response) =>
        TenantNames.KeepOwn(tenant, response.Groups, static g => g.GroupId, static (g, id) => g.GroupId = id, echoed: false);
}
