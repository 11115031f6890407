using Fjord.Broker.Network;
using Fjord.Protocol;
using Fjord.Security.Tenancy;

namespace Fjord.Broker.Tenancy.Topics;

/// <summary>ListOffsets: the topic names, each way (the tenant's cached translations: consumers ask this often).</summary>
public sealed class ListOffsetsRewrite : TenantRewrite<ListOffsetsRequest, ListOffsetsResponse>
{
    public override ListOffsetsResponse? ToStored(TenantScope tenant, RequestContext context, ListOffsetsRequest request)
    {
        foreach (var topic in request.Topics)
            topic.Name = tenant.ToStored(topic.Name);
        return null;
    }

    public override void ToClient(TenantScope tenant, RequestContext context, ListOffsetsRequest request, ListOffsetsResponse response)
    {
        foreach (var topic in response.Topics)
            topic.Name = TenantTopicNames.ToClient(tenant, topic.Name);
    }
}
