using Fjord.Broker.Network;
using Fjord.Protocol;
using Fjord.Security.Tenancy;

namespace Fjord.Broker.Tenancy.Groups;

/// <summary>JoinGroup: the group id. Member ids and the members' protocol metadata are the group's own (the metadata, opaque to the broker, holds the tenant's own topic names and stays as it is).</summary>
public sealed class JoinGroupRewrite : TenantRewrite<JoinGroupRequest, JoinGroupResponse>
{
    public static readonly JoinGroupRewrite Instance = new();

    public override JoinGroupResponse? ToStored(TenantScope tenant, RequestContext context, JoinGroupRequest request)
    {
        request.GroupId = TenantNames.ToStored(tenant, request.GroupId);
        return null;
    }

    public override void ToClient(TenantScope tenant, RequestContext context, JoinGroupRequest request, JoinGroupResponse response)
    {
    }
}
