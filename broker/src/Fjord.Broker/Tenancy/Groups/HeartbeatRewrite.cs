using Fjord.Broker.Network;
using Fjord.Protocol;
using Fjord.Security.Tenancy;

namespace Fjord.Broker.Tenancy.Groups;

/// <summary>Heartbeat: the group id; the response names nothing.</summary>
public sealed class HeartbeatRewrite : TenantRewrite<HeartbeatRequest, HeartbeatResponse>
{
    public static readonly HeartbeatRewrite Instance = new();

    public override HeartbeatResponse? ToStored(TenantScope tenant, RequestContext context, HeartbeatRequest request)
    {
        request.GroupId = TenantNames.ToStored(tenant, request.GroupId);
        return null;
    }

    public override void ToClient(TenantScope tenant, RequestContext context, HeartbeatRequest request, HeartbeatResponse response)
    {
    }
}
