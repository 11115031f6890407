using Fjord.Broker.Network;
using Fjord.Protocol;
using Fjord.Security.Tenancy;

namespace Fjord.Broker.Tenancy.Groups;

/// <summary>OffsetCommit: the group id and the topics; the response's topics back.</summary>
public sealed class OffsetCommitRewrite : TenantRewrite<OffsetCommitRequest, OffsetCommitResponse>
{
    public static readonly OffsetCommitRewrite Instance = new();

    public override OffsetCommitResponse? ToStored(TenantScope tenant, RequestContext context, OffsetCommitRequest request)
    {
        request.GroupId = TenantNames.ToStored(tenant, request.GroupId);
        foreach (var topic in request.Topics) topic.Name = TenantNames.ToStored(tenant, topic.Name);
        return null;
    }

    public override void ToClient(TenantScope tenant, RequestContext context, OffsetCommitRequest request, OffsetCommitResponse response) =>
        TenantNames.KeepOwn(tenant, response.Topics, static t => t.Name, static (t, name) => t.Name = name);
}
