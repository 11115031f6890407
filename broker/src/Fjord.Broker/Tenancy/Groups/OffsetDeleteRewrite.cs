using Fjord.Broker.Network;
using Fjord.Protocol;
using Fjord.Security.Tenancy;

namespace Fjord.Broker.Tenancy.Groups;

/// <summary>OffsetDelete: the group id and the topics; the response's topics back.</summary>
public sealed class OffsetDeleteRewrite : TenantRewrite<OffsetDeleteRequest, OffsetDeleteResponse>
{
    public static readonly OffsetDeleteRewrite Instance = new();

    public override OffsetDeleteResponse? ToStored(TenantScope tenant, RequestContext context, OffsetDeleteRequest request)
    {
        request.GroupId = TenantNames.ToStored(tenant, request.GroupId);
        foreach (var topic in request.Topics) topic.Name = TenantNames.ToStored(tenant, topic.Name);
        return null;
    }

    public override void ToClient(TenantScope tenant, RequestContext context, OffsetDeleteRequest request, OffsetDeleteResponse response) =>
        TenantNames.KeepOwn(tenant, response.Topics, static t => t.Name, static (t, name) => t.Name = name);
}
