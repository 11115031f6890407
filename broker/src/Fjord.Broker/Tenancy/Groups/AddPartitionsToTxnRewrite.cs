using Fjord.Broker.Network;
using Fjord.Protocol;
using Fjord.Security.Tenancy;

namespace Fjord.Broker.Tenancy.Groups;

/// <summary>
/// AddPartitionsToTxn: the transactional id and topics of a client's request (v0–3), each transaction's id and
/// topics of a batch (v4+); the results back.
/// </summary>
public sealed class AddPartitionsToTxnRewrite : TenantRewrite<AddPartitionsToTxnRequest, AddPartitionsToTxnResponse>
{
    public static readonly AddPartitionsToTxnRewrite Instance = new();

    public override AddPartitionsToTxnResponse? ToStored(TenantScope tenant, RequestContext context, AddPartitionsToTxnRequest request)
    {
        request.V3AndBelowTransactionalId = TenantNames.ToStored(tenant, request.V3AndBelowTransactionalId);
        foreach (var topic in request.V3AndBelowTopics) topic.Name = TenantNames.ToStored(tenant, topic.Name);
        foreach (var transaction in request.Transactions)
        {
            transaction.TransactionalId = TenantNames.ToStored(tenant, transaction.TransactionalId);
            foreach (var topic in transaction.Topics) topic.Name = TenantNames.ToStored(tenant, topic.Name);
        }
        return null;
    }

    public override void ToClient(TenantScope tenant, RequestContext context, AddPartitionsToTxnRequest request, AddPartitionsToTxnResponse response)
    {
        TenantNames.KeepOwn(tenant, response.ResultsByTopicV3AndBelow, static t => t.Name, static (t, name) => t.Name = name);
        TenantNames.KeepOwn(tenant, response.ResultsByTransaction, static r => r.TransactionalId, static (r, id) => r.TransactionalId = id);
        foreach (var transaction in response.ResultsByTransaction)
            TenantNames.KeepOwn(tenant, transaction.TopicResults, static t => t.Name, static (t, name) => t.Name = name);
    }
}
