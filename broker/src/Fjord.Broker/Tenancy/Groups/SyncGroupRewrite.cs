using Fjord.Broker.Network;
using Fjord.Protocol;
using Fjord.Security.Tenancy;

namespace Fjord.Broker.Tenancy.Groups;

/// <summary>SyncGroup: the group id. The assignments are opaque bytes in the tenant's own topic names and stay as they are.</summary>
public sealed class SyncGroupRewrite : TenantRewrite<SyncGroupRequest, SyncGroupResponse>
{
    public static readonly SyncGroupRewrite Instance = new();

    public override SyncGroupResponse? ToStored(TenantScope tenant, RequestContext context, SyncGroupRequest request)
    {
        request.GroupId = TenantNames.ToStored(tenant, request.GroupId);
        return null;
    }

    public override void ToClient(TenantScope tenant, RequestContext context, SyncGroupRequest request, SyncGroupResponse response)
    {
    }
}
