using Fjord.Broker.Network;
using Fjord.Protocol;
using Fjord.Security.Tenancy;

namespace Fjord.Broker.Tenancy.Groups;

/// <summary>DescribeGroups: the group ids; members' metadata and assignments are opaque and stay as they are.</summary>
public sealed class DescribeGroupsRewrite : TenantRewrite<DescribeGroupsRequest, DescribeGroupsResponse>
{
    public static readonly DescribeGroupsRewrite Instance = new();

    public override DescribeGroupsResponse? ToStored(TenantScope tenant, RequestContext context, DescribeGroupsRequest request)
    {
        TenantNames.ToStored(tenant, request.Groups);
        return null;
    }

    public override void ToClient(TenantScope tenant, RequestContext context, DescribeGroupsRequest request, DescribeGroupsResponse response) =>
        TenantNames.KeepOwn(tenant, response.Groups, static g => g.GroupId, static (g, id) => g.GroupId = id);
}
