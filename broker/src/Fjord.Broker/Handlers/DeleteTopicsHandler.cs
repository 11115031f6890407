using Fjord.Broker.Admin;
using Fjord.Broker.Network;
using Fjord.Cluster;
using Fjord.Protocol;
using Fjord.Security.Authorization;

namespace Fjord.Broker.Handlers;

/// <summary>
/// DeleteTopics 0–6 (by name, or by topic id from v6). The topic's local data goes with it. Each topic needs
/// Delete, as in Kafka's ControllerApis.deleteTopics: a name is authorized before it is looked up; an unknown
/// id answers UNKNOWN_TOPIC_ID (ids are not secret), a known one the principal may not Describe answers
/// TOPIC_AUTHORIZATION_FAILED without its name, one it may Describe but not Delete with its name.
/// </summary>
public sealed class DeleteTopicsHandler(MetadataCache metadata, IMetadataStore store, TopicAdmin admin, IAuthorizer authorizer) : ApiHandler<DeleteTopicsRequest, DeleteTopicsResponse>
{
    public override ApiKey ApiKey => ApiKey.DeleteTopics;
    public override short MinVersion => 0;
    public override short MaxVersion => 6;

    protected override async ValueTask<DeleteTopicsResponse?> HandleAsync(RequestContext request, DeleteTopicsRequest body, CancellationToken ct)
    {
        var response = new DeleteTopicsResponse();
        var wanted = request.ApiVersion >= 6
            ? body.Topics.Select(t => (t.Name, t.TopicId)).ToList()
            : body.TopicNames.Select(n => ((string?)n, Guid.Empty)).ToList();
        await metadata.RefreshAsync(force: false, ct);
        var snapshot = metadata.Current;
        foreach (var (name, topicId) in wanted)
        {
            var result = new DeleteTopicsResponse.DeletableTopicResult { Name = name, TopicId = topicId };
            response.Responses.Add(result);
            TopicMetadata? topic;
            if (name is not null && topicId != Guid.Empty)
            {
                result.ErrorCode = (short)ErrorCode.InvalidRequest;
                result.ErrorMessage = "Name and topic id cannot both be set";
                continue;
            }
            if (name is null)
            {
                topic = snapshot.TopicsById.GetValueOrDefault(topicId);
                if (topic is null)
                {
                    result.ErrorCode = (short)ErrorCode.UnknownTopicId;
                    result.ErrorMessage = $"Topic id {topicId} does not exist";
                    continue;
                }
                if (!authorizer.AuthorizeTopic(request, AclOperation.Describe, topic.Name))
                {
                    Deny(result);
                    continue;
                }
            }
            else
            {
                if (!authorizer.AuthorizeTopic(request, AclOperation.Delete, name))
                {
                    Deny(result);
                    continue;
                }
                topic = snapshot.TopicsByName.GetValueOrDefault(name) ?? await store.GetTopicAsync(name, ct);
                if (topic is null)
                {
                    result.ErrorCode = (short)ErrorCode.UnknownTopicOrPartition;
                    result.ErrorMessage = "This server does not host this topic-partition.";
                    continue;
                }
            }
            result.Name = topic.Name;
            result.TopicId = topic.TopicId;
            if (name is null && !authorizer.AuthorizeTopic(request, AclOperation.Delete, topic.Name))
            {
                Deny(result);
                continue;
            }
            var outcome = await admin.DeleteAsync(topic, ct);
            result.ErrorCode = (short)outcome.Error;
            result.ErrorMessage = outcome.Message;
        }
        return response;
    }

    private static void Deny(DeleteTopicsResponse.DeletableTopicResult result)
    {
        result.ErrorCode = (short)ErrorCode.TopicAuthorizationFailed;
        result.ErrorMessage = "Authorization failed.";
    }
}
