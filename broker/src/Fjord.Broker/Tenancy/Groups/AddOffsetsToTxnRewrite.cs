using Fjord.Broker.Network;
using Fjord.Protocol;
using Fjord.Security.Tenancy;

namespace Fjord.Broker.Tenancy.Groups;

/// <summary>AddOffsetsToTxn: the transactional id and the group id (whose offsets partition joins the transaction).</summary>
public sealed class AddOffsetsToTxnRewrite : TenantRewrite<AddOffsetsToTxnRequest, AddOffsetsToTxnResponse>
{
    public static readonly AddOffsetsToTxnRewrite Instance = new();

    public override AddOffsetsToTxnResponse? ToStored(TenantScope tenant, RequestContext context, AddOffsetsToTxnRequest request)
    {
        request.TransactionalId = TenantNames.ToStored(tenant, request.TransactionalId);
        request.GroupId = TenantNames.ToStored(tenant, request.GroupId);
        return null;
    }

    public override void ToClient(TenantScope tenant, RequestContext context, AddOffsetsToTxnRequest request, AddOffsetsToTxnResponse response)
    {
    }
}
