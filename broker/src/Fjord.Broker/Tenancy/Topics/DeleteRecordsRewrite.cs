using Fjord.Broker.Network;
using Fjord.Protocol;
using Fjord.Security.Tenancy;

namespace Fjord.Broker.Tenancy.Topics;

/// <summary>DeleteRecords: the topic names, each way.</summary>
public sealed class DeleteRecordsRewrite : TenantRewrite<DeleteRecordsRequest, DeleteRecordsResponse>
{
    public override DeleteRecordsResponse? ToStored(TenantScope tenant, RequestContext context, DeleteRecordsRequest request)
    {
        foreach (var topic in request.Topics)
            topic.Name = tenant.ToStored(topic.Name);
        return null;
    }

    public override void ToClient(TenantScope tenant, RequestContext context, DeleteRecordsRequest request, DeleteRecordsResponse response)
    {
        foreach (var topic in response.Topics)
            topic.Name = TenantTopicNames.ToClient(tenant, topic.Name);
    }
}
