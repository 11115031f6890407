using Fjord.Broker.Network;
using Fjord.Protocol;
using Fjord.Security.Tenancy;

namespace Fjord.Broker.Tenancy.Groups;

/// <summary>LeaveGroup: the group id; member and instance ids are the group's own.</summary>
public sealed class LeaveGroupRewrite : TenantRewrite<LeaveGroupRequest, LeaveGroupResponse>
{
    public static readonly LeaveGroupRewrite Instance = new();

    public override LeaveGroupResponse? ToStored(TenantScope tenant, RequestContext context, LeaveGroupRequest request)
    {
        request.GroupId = TenantNames.ToStored(tenant, request.GroupId);
        return null;
    }

    public override void ToClient(TenantScope tenant, RequestContext context, LeaveGroupRequest request, LeaveGroupResponse response)
    {
    }
}
