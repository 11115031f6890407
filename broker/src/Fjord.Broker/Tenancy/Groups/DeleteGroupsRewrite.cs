using Fjord.Broker.Network;
using Fjord.Protocol;
using Fjord.Security.Tenancy;

namespace Fjord.Broker.Tenancy.Groups;

/// <summary>DeleteGroups: the group ids, and each result's back.</summary>
public sealed class DeleteGroupsRewrite : TenantRewrite<DeleteGroupsRequest, DeleteGroupsResponse>
{
    public static readonly DeleteGroupsRewrite Instance = new();

    public override DeleteGroupsResponse? ToStored(TenantScope tenant, RequestContext context, DeleteGroupsRequest request)
    {
        TenantNames.ToStored(tenant, request.GroupsNames);
        return null;
    }

    public override void ToClient(TenantScope tenant, RequestContext context, DeleteGroupsRequest request, DeleteGroupsResponse response) =>
        TenantNames.KeepOwn(tenant, response.Results, static r => r.GroupId, static (r, id) => r.GroupId = id);
}
