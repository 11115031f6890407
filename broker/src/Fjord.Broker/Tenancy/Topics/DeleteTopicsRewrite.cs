using Fjord.Broker.Network;
using Fjord.Protocol;
using Fjord.Security.Tenancy;

namespace Fjord.Broker.Tenancy.Topics;

/// <summary>
/// DeleteTopics: names (v0–5, and v6+ by name) each way, and topic ids (v6+): an id that is not one of the tenant's
/// topics is deleted as an id that does not exist would be (UNKNOWN_TOPIC_ID), and answered with the id the tenant
/// sent, in the message too.
/// </summary>
public sealed class DeleteTopicsRewrite(TenantRewriteServices services) : TenantRewrite<DeleteTopicsRequest, DeleteTopicsResponse>
{
    public override DeleteTopicsResponse? ToStored(TenantScope tenant, RequestContext context, DeleteTopicsRequest request)
    {
        for (var i = 0; i < request.TopicNames.Count; i++)
            request.TopicNames[i] = tenant.ToStored(request.TopicNames[i]);
        var snapshot = services.Metadata.Current;
        foreach (var topic in request.Topics)
        {
            // Both set is refused by the handler whatever they name: the id is echoed as it came.
            if (topic.Name is { } name) topic.Name = tenant.ToStored(name);
            else topic.TopicId = HiddenTopicIds.ToStored(tenant, snapshot, context.Session, topic.TopicId);
        }
        return null;
    }

    public override void ToClient(TenantScope tenant, RequestContext context, DeleteTopicsRequest request, DeleteTopicsResponse response)
    {
        foreach (var result in response.Responses)
        {
            if (result.Name is { } name) result.Name = TenantTopicNames.ToClient(tenant, name);
            result.ErrorMessage = tenant.ToClientMessage(result.ErrorMessage);
            if (HiddenTopicIds.TryToClient(context.Session, result.TopicId, out var topicId))
            {
                result.ErrorMessage = result.ErrorMessage?.Replace(result.TopicId.ToString(), topicId.ToString(), StringComparison.Ordinal);
                result.TopicId = topicId;
            }
        }
    }
}
