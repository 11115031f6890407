using Fjord.Broker.Network;
using Fjord.Protocol;
using Fjord.Security.Tenancy;

namespace Fjord.Broker.Tenancy.Groups;

/// <summary>ListTransactions: the filters name no id; the answer keeps the tenant's transactions only.</summary>
public sealed class ListTransactionsRewrite : TenantRewrite<ListTransactionsRequest, ListTransactionsResponse>
{
    public static readonly ListTransactionsRewrite Instance = new();

    public override ListTransactionsResponse? ToStored(TenantScope tenant, RequestContext context, ListTransactionsRequest request) => null;

    public override void ToClient(TenantScope tenant, RequestContext context, ListTransactionsRequest request, ListTransactionsResponse response) =>
        TenantNames.KeepOwn(tenant, response.TransactionStates, static s => s.TransactionalId, static (s, id) => s.TransactionalId = id, echoed: false);
}
