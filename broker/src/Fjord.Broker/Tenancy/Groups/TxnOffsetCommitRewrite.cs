using Fjord.Broker.Network;
using Fjord.Protocol;
using Fjord.Security.Tenancy;

namespace Fjord.Broker.Tenancy.Groups;

/// <summary>TxnOffsetCommit: the transactional id, the group id and the topics; the response's topics back.</summary>
public sealed class TxnOffsetCommitRewrite : TenantRewrite<TxnOffsetCommitRequest, TxnOffsetCommitResponse>
{
    public static readonly TxnOffsetCommitRewrite Instance = new();

    public override TxnOffsetCommitResponse? ToStored(TenantScope tenant, RequestContext context, TxnOffsetCommitRequest request)
    {
        request.TransactionalId = TenantNames.ToStored(tenant, request.TransactionalId);
        request.GroupId = TenantNames.ToStored(tenant, request.GroupId);
        foreach (var topic in request.Topics) topic.Name = TenantNames.ToStored(tenant, topic.Name);
        return null;
    }

    public override void ToClient(TenantScope tenant, RequestContext context, TxnOffsetCommitRequest request, TxnOffsetCommitResponse response) =>
        TenantNames.KeepOwn(tenant, response.Topics, static t => t.Name, static (t, name) => t.Name = name);
}
