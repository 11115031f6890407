using Fjord.Broker.Network;
using Fjord.Protocol;
using Fjord.Security.Tenancy;

namespace Fjord.Broker.Tenancy.Groups;

/// <summary>
/// FindCoordinator: the key (a group id for key type 0, a transactional id for 1; v4+ a batch of them) is
/// stored-form, so the coordinator is the one of the stored name, the same one every later request of the group
/// or transaction reaches.
/// </summary>
public sealed class FindCoordinatorRewrite : TenantRewrite<FindCoordinatorRequest, FindCoordinatorResponse>
{
    public static readonly FindCoordinatorRewrite Instance = new();

    public override FindCoordinatorResponse? ToStored(TenantScope tenant, RequestContext context, FindCoordinatorRequest request)
    {
        request.Key = TenantNames.ToStored(tenant, request.Key);
        TenantNames.ToStored(tenant, request.CoordinatorKeys);
        return null;
    }

    public override void ToClient(TenantScope tenant, RequestContext context, FindCoordinatorRequest request, FindCoordinatorResponse response)
    {
        response.ErrorMessage = tenant.ToClientMessage(response.ErrorMessage);
        TenantNames.KeepOwn(tenant, response.Coordinators, static c => c.Key, static (c, key) => c.Key = key);
        foreach (var coordinator in response.Coordinators) coordinator.ErrorMessage = tenant.ToClientMessage(coordinator.ErrorMessage);
    }
}
