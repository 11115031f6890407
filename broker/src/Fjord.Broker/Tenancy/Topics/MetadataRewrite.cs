using Fjord.Broker.Network;
using Fjord.Protocol;
using Fjord.Security.Tenancy;

namespace Fjord.Broker.Tenancy.Topics;

/// <summary>
/// Metadata: the topics asked for by name (auto-creation included: a name the tenant may not use is refused as an
/// invalid topic, never created) or by id (v10+; another tenant's id answers as an unknown one), and the
/// response's topics. An all-topics request lists every topic of the cluster that the principal may describe, so
/// only the tenant's are kept (internal topics are nobody's). The cluster id is the tenant's.
/// </summary>
public sealed class MetadataRewrite(TenantRewriteServices services) : TenantRewrite<MetadataRequest, MetadataResponse>
{
    public override MetadataResponse? ToStored(TenantScope tenant, RequestContext context, MetadataRequest request)
    {
        if (request.Topics is null) return null;
        var snapshot = services.Metadata.Current;
        foreach (var topic in request.Topics)
        {
            if (topic.Name is { } name) topic.Name = TenantTopicNames.ToStored(tenant, name);
            else topic.TopicId = HiddenTopicIds.ToStored(tenant, snapshot, context.Session, topic.TopicId);
        }
        return null;
    }

    public override void ToClient(TenantScope tenant, RequestContext context, MetadataRequest request, MetadataResponse response)
    {
        response.ClusterId = tenant.ClusterId;
        response.Topics.RemoveAll(topic => !ToClient(tenant, context.Session, topic));
    }

    /// <returns>False when the topic is not the tenant's and leaves the response.</returns>
    private static bool ToClient(TenantScope tenant, ClientSession session, MetadataResponse.MetadataResponseTopic topic)
    {
        if (topic.Name is null)
        {
            if (HiddenTopicIds.TryToClient(session, topic.TopicId, out var topicId)) topic.TopicId = topicId;
            return true;
        }
        if (!TenantTopicNames.TryToClient(tenant, topic.Name, out var name)) return false;
        topic.Name = name;
        return true;
    }
}
