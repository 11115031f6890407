using Fjord.Broker.Network;
using Fjord.Protocol;
using Fjord.Security.Tenancy;

namespace Fjord.Broker.Tenancy.Topics;

/// <summary>
/// IncrementalAlterConfigs: a topic resource's name each way; a broker's (or any other non-topic) resource is the operator's
/// and answers CLUSTER_AUTHORIZATION_FAILED in its place (see <see cref="OperatorConfigResources"/>).
/// </summary>
public sealed class IncrementalAlterConfigsRewrite : TenantRewrite<IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse>
{
    public override IncrementalAlterConfigsResponse? ToStored(TenantScope tenant, RequestContext context, IncrementalAlterConfigsRequest request)
    {
        context.TenantRewriteState = OperatorConfigResources.Remove(request.Resources, static r => r.ResourceType);
        foreach (var resource in request.Resources)
            resource.ResourceName = tenant.ToStored(resource.ResourceName);
        return null;
    }

    public override void ToClient(TenantScope tenant, RequestContext context, IncrementalAlterConfigsRequest request, IncrementalAlterConfigsResponse response)
    {
        foreach (var result in response.Responses)
        {
            result.ResourceName = TenantTopicNames.ToClient(tenant, result.ResourceName);
            result.ErrorMessage = tenant.ToClientMessage(result.ErrorMessage);
        }
        if (context.TenantRewriteState is List<IncrementalAlterConfigsRequest.AlterConfigsResource> all)
            response.Responses = OperatorConfigResources.Splice(all, static r => r.ResourceType, response.Responses, static r => new IncrementalAlterConfigsResponse.AlterConfigsResourceResponse
            {
                ResourceType = r.ResourceType,
                ResourceName = r.ResourceName,
                ErrorCode = (short)ErrorCode.ClusterAuthorizationFailed,
                ErrorMessage = null,
            });
    }
}
