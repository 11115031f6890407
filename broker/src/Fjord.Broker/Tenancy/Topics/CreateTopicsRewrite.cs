using Fjord.Broker.Network;
using Fjord.Protocol;
using Fjord.Security.Tenancy;

namespace Fjord.Broker.Tenancy.Topics;

/// <summary>
/// CreateTopics: the topic names each way; the configs pass through. A name the tenant may not use (Kafka's rule on
/// the name it sent, and a length limit of 249 less its prefix) reaches the handler marked invalid, so it is
/// authorized and checked for duplicates as any name is, and never created; its answer is INVALID_TOPIC_EXCEPTION
/// with the tenant's own limit in the message, not the handler's 249.
/// </summary>
public sealed class CreateTopicsRewrite : TenantRewrite<CreateTopicsRequest, CreateTopicsResponse>
{
    public override CreateTopicsResponse? ToStored(TenantScope tenant, RequestContext context, CreateTopicsRequest request)
    {
        foreach (var topic in request.Topics)
            topic.Name = TenantTopicNames.ToStored(tenant, topic.Name);
        return null;
    }

    public override void ToClient(TenantScope tenant, RequestContext context, CreateTopicsRequest request, CreateTopicsResponse response)
    {
        foreach (var result in response.Topics)
        {
            var stored = result.Name;
            var invalid = TenantTopicNames.IsMarkedInvalid(stored);
            result.Name = TenantTopicNames.ToClient(tenant, stored);
            // A duplicate's message quotes the marked name: it should quote the one the tenant sent.
            if (invalid) result.ErrorMessage = result.ErrorMessage?.Replace(stored, result.Name, StringComparison.Ordinal);
            if (invalid && (ErrorCode)result.ErrorCode is not (ErrorCode.TopicAuthorizationFailed or ErrorCode.InvalidRequest))
            {
                result.ErrorCode = (short)ErrorCode.InvalidTopicException;
                result.ErrorMessage = TenantTopicNames.Problem(tenant, result.Name);
                result.TopicId = Guid.Empty;
                result.NumPartitions = -1;
                result.ReplicationFactor = -1;
                result.Configs = null;
                continue;
            }
            result.ErrorMessage = tenant.ToClientMessage(result.ErrorMessage);
        }
    }
}
