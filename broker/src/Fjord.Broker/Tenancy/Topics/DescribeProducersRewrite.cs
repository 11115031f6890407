using Fjord.Broker.Network;
using Fjord.Protocol;
using Fjord.Security.Tenancy;

namespace Fjord.Broker.Tenancy.Topics;

/// <summary>DescribeProducers: the topic names each way, and the partitions' error messages.</summary>
public sealed class DescribeProducersRewrite : TenantRewrite<DescribeProducersRequest, DescribeProducersResponse>
{
    public override DescribeProducersResponse? ToStored(TenantScope tenant, RequestContext context, DescribeProducersRequest request)
    {
        foreach (var topic in request.Topics)
            topic.Name = tenant.ToStored(topic.Name);
        return null;
    }

    public override void ToClient(TenantScope tenant, RequestContext context, DescribeProducersRequest request, DescribeProducersResponse response)
    {
        foreach (var topic in response.Topics)
        {
            topic.Name = TenantTopicNames.ToClient(tenant, topic.Name);
            foreach (var partition in topic.Partitions)
                partition.ErrorMessage = tenant.ToClientMessage(partition.ErrorMessage);
        }
    }
}
