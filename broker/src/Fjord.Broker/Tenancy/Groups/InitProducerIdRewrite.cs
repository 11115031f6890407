using Fjord.Broker.Network;
using Fjord.Protocol;
using Fjord.Security.Tenancy;

namespace Fjord.Broker.Tenancy.Groups;

/// <summary>InitProducerId: the transactional id; a null one (an idempotent producer) names nothing.</summary>
public sealed class InitProducerIdRewrite : TenantRewrite<InitProducerIdRequest, InitProducerIdResponse>
{
    public static readonly InitProducerIdRewrite Instance = new();

    public override InitProducerIdResponse? ToStored(TenantScope tenant, RequestContext context, InitProducerIdRequest request)
    {
        request.TransactionalId = TenantNames.ToStoredOrNull(tenant, request.TransactionalId);
        return null;
    }

    public override void ToClient(TenantScope tenant, RequestContext context, InitProducerIdRequest request, InitProducerIdResponse response)
    {
    }
}
