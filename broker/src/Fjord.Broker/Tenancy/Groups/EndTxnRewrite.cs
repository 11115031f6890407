using Fjord.Broker.Network;
using Fjord.Protocol;
using Fjord.Security.Tenancy;

namespace Fjord.Broker.Tenancy.Groups;

/// <summary>EndTxn: the transactional id; the response names nothing.</summary>
public sealed class EndTxnRewrite : TenantRewrite<EndTxnRequest, EndTxnResponse>
{
    public static readonly EndTxnRewrite Instance = new();

    public override EndTxnResponse? ToStored(TenantScope tenant, RequestContext context, EndTxnRequest request)
    {
        request.TransactionalId = TenantNames.ToStored(tenant, request.TransactionalId);
        return null;
    }

    public override void ToClient(TenantScope tenant, RequestContext context, EndTxnRequest request, EndTxnResponse response)
    {
    }
}
