using Fjord.Broker.Network;
using Fjord.Protocol;
using Fjord.Security.Tenancy;

namespace Fjord.Broker.Tenancy.Topics;

/// <summary>OffsetForLeaderEpoch: the topic names, each way.</summary>
public sealed class OffsetForLeaderEpochRewrite : TenantRewrite<OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse>
{
    public override OffsetForLeaderEpochResponse? ToStored(TenantScope tenant, RequestContext context, OffsetForLeaderEpochRequest request)
    {
        foreach (var topic in request.Topics)
            topic.Topic = tenant.ToStored(topic.Topic);
        return null;
    }

    public override void ToClient(TenantScope tenant, RequestContext context, OffsetForLeaderEpochRequest request, OffsetForLeaderEpochResponse response)
    {
        foreach (var topic in response.Topics)
            topic.Topic = TenantTopicNames.ToClient(tenant, topic.Topic);
    }
}
