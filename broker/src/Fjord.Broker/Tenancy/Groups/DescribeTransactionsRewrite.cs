using Fjord.Broker.Network;
using Fjord.Protocol;
using Fjord.Security.Tenancy;

namespace Fjord.Broker.Tenancy.Groups;

/// <summary>DescribeTransactions: the transactional ids; each state's id and topics back.</summary>
public sealed class DescribeTransactionsRewrite : TenantRewrite<DescribeTransactionsRequest, DescribeTransactionsResponse>
{
    public static readonly DescribeTransactionsRewrite Instance = new();

    public override DescribeTransactionsResponse? ToStored(TenantScope tenant, RequestContext context, DescribeTransactionsRequest request)
    {
        TenantNames.ToStored(tenant, request.TransactionalIds);
        return null;
    }

    public override void ToClient(TenantScope tenant, RequestContext context, DescribeTransactionsRequest request, DescribeTransactionsResponse response)
    {
        TenantNames.KeepOwn(tenant, response.TransactionStates, static s => s.TransactionalId, static (s, id) => s.TransactionalId = id);
        foreach (var state in response.TransactionStates)
            TenantNames.KeepOwn(tenant, state.Topics, static t => t.Topic, static (t, name) => t.Topic = name, echoed: false);
    }
}
