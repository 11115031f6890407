using Fjord.Broker.Network;
using Fjord.Protocol;
using Fjord.Security.Tenancy;

namespace Fjord.Broker.Tenancy.Topics;

/// <summary>
/// AlterConfigs: a topic resource's name each way; a broker's (or any other non-topic) resource is the operator's
/// and answers CLUSTER_AUTHORIZATION_FAILED in its place (see <see cref="OperatorConfigResources"/>).
/// </summary>
public sealed class AlterConfigsRewrite : TenantRewrite<AlterConfigsRequest, AlterConfigsResponse>
{
    public override AlterConfigsResponse? ToStored(TenantScope tenant, RequestContext context, AlterConfigsRequest request)
    {
        context.TenantRewriteState = OperatorConfigResources.Remove(request.Resources, static r => r.ResourceType);
        foreach (var resource in request.Resources)
            resource.ResourceName = tenant.ToStored(resource.ResourceName);
        return null;
    }

    public override void ToClient(TenantScope tenant, RequestContext context, AlterConfigsRequest request, AlterConfigsResponse response)
    {
        foreach (var result in response.Responses)
        {
            result.ResourceName = TenantTopicNames.ToClient(tenant, result.ResourceName);
            result.ErrorMessage = tenant.ToClientMessage(result.ErrorMessage);
        }
        if (context.TenantRewriteState is List<AlterConfigsRequest.AlterConfigsResource> all)
            response.Responses = OperatorConfigResources.Splice(all, static r => r.ResourceType, response.Responses, static r => new AlterConfigsResponse.AlterConfigsResourceResponse
            {
                ResourceType = r.ResourceType,
                ResourceName = r.ResourceName,
                ErrorCode = (short)ErrorCode.ClusterAuthorizationFailed,
                ErrorMessage = null,
            });
    }
}
