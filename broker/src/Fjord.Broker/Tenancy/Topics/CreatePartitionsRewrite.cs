using Fjord.Broker.Network;
using Fjord.Protocol;
using Fjord.Security.Tenancy;

namespace Fjord.Broker.Tenancy.Topics;

/// <summary>CreatePartitions: the topic names each way, and the error messages (which quote them).</summary>
public sealed class CreatePartitionsRewrite : TenantRewrite<CreatePartitionsRequest, CreatePartitionsResponse>
{
    public override CreatePartitionsResponse? ToStored(TenantScope tenant, RequestContext context, CreatePartitionsRequest request)
    {
        foreach (var topic in request.Topics)
            topic.Name = tenant.ToStored(topic.Name);
        return null;
    }

    public override void ToClient(TenantScope tenant, RequestContext context, CreatePartitionsRequest request, CreatePartitionsResponse response)
    {
        foreach (var result in response.Results)
        {
            result.Name = TenantTopicNames.ToClient(tenant, result.Name);
            result.ErrorMessage = tenant.ToClientMessage(result.ErrorMessage);
        }
    }
}
