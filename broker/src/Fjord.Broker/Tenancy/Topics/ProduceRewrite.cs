using Fjord.Broker.Network;
using Fjord.Protocol;
using Fjord.Security.Tenancy;

namespace Fjord.Broker.Tenancy.Topics;

/// <summary>
/// Produce: topic names and the transactional id. The hot path: a topic's translation is the tenant's cached
/// string, each way, so a steady producer allocates nothing here; the records are not touched. An acks=0 request
/// has no response, so only its request is rewritten.
/// </summary>
public sealed class ProduceRewrite : TenantRewrite<ProduceRequest, ProduceResponse>
{
    public override ProduceResponse? ToStored(TenantScope tenant, RequestContext context, ProduceRequest request)
    {
        if (request.TransactionalId is { } transactionalId) request.TransactionalId = tenant.ToStored(transactionalId);
        foreach (var topic in request.TopicData)
            topic.Name = tenant.ToStored(topic.Name);
        return null;
    }

    public override void ToClient(TenantScope tenant, RequestContext context, ProduceRequest request, ProduceResponse response)
    {
        foreach (var topic in response.Responses)
        {
            topic.Name = TenantTopicNames.ToClient(tenant, topic.Name);
            foreach (var partition in topic.PartitionResponses)
            {
                partition.ErrorMessage = tenant.ToClientMessage(partition.ErrorMessage);
                foreach (var error in partition.RecordErrors)
                    error.BatchIndexErrorMessage = tenant.ToClientMessage(error.BatchIndexErrorMessage);
            }
        }
    }
}
