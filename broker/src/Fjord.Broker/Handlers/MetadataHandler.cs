using Fjord.Broker.Admin;
using Fjord.Broker.Configuration;
using Fjord.Broker.Network;
using Fjord.Cluster;
using Fjord.Protocol;
using Fjord.Security.Authorization;

namespace Fjord.Broker.Handlers;

/// <summary>
/// Metadata 0–12, answered from the broker's metadata cache: every registered broker, the controller
/// from the lease, and each partition as the controller placed it. Auto-creates topics when allowed
/// (never the internal offsets topic, which the controller owns). Authorized as Kafka's
/// handleTopicMetadataRequest: an all-topics request lists only the topics the principal may Describe; a
/// named topic it may not Describe answers TOPIC_AUTHORIZATION_FAILED whether or not it exists (decided
/// before the lookup); auto-creation needs Create on the cluster or on the topic; KIP-430 operation sets
/// when asked for.
/// </summary>
public sealed class MetadataHandler(MetadataCache metadata, ClusterBrokers brokers, MetadataTopics topics, AutoTopicCreationManager autoCreation, IAuthorizer authorizer)
    : ApiHandler<MetadataRequest, MetadataResponse>
{
    public override ApiKey ApiKey => ApiKey.Metadata;
    public override short MinVersion => 0;
    public override short MaxVersion => 12;

    protected override async ValueTask<MetadataResponse?> HandleAsync(RequestContext request, MetadataRequest body, CancellationToken ct)
    {
        var snapshot = metadata.Current;
        var listener = request.Session.Listener;
        var response = new MetadataResponse { ClusterId = snapshot.ClusterId, ControllerId = ClusterBrokers.ControllerId(snapshot) };
        foreach (var broker in brokers.Reachable(snapshot, listener))
            response.Brokers.Add(new MetadataResponse.MetadataResponseBroker { NodeId = broker.NodeId, Host = broker.Host, Port = broker.Port, Rack = broker.Rack });

        // Cluster operations are carried by v8–v10 only (DescribeCluster took them over in v11).
        if (request.ApiVersion is >= 8 and <= 10 && body.IncludeClusterAuthorizedOperations)
            response.ClusterAuthorizedOperations = authorizer.AuthorizeCluster(request, AclOperation.Describe)
                ? authorizer.AuthorizedOperations(request, ResourceType.Cluster, RequestAuthorization.ClusterResource(request.Session)) : 0;
        var withOperations = request.ApiVersion >= 8 && body.IncludeTopicAuthorizedOperations;

        // v0 asks for every topic with an empty list; v1+ with a null one.
        if (body.Topics is null || (request.ApiVersion == 0 && body.Topics.Count == 0))
        {
            // Kafka leaves out what the principal may not Describe, so an all-topics listing never names it. A
            // tenant's listing skips other tenants' topics before any ACL lookup: its cost then tells nothing about them.
            var tenant = request.Session.Tenant;
            foreach (var topic in snapshot.TopicsByName.Values.OrderBy(t => t.Name, StringComparer.Ordinal))
                if ((tenant is null || tenant.Owns(topic.Name)) && authorizer.AuthorizeTopic(request, AclOperation.Describe, topic.Name))
                    response.Topics.Add(WithOperations(request, topics.Describe(topic, snapshot, listener), withOperations));
            return response;
        }

        var autoCreate = autoCreation.Allows(request.ApiVersion, body.AllowAutoTopicCreation);
        bool? clusterCreate = null;
        foreach (var wanted in body.Topics)
        {
            if (wanted.Name is null)
            {
                // Topic ids are not secret (Kafka answers an unknown one UNKNOWN_TOPIC_ID before authorizing),
                // but the name behind an id the principal may not Describe is.
                if (!snapshot.TopicsById.TryGetValue(wanted.TopicId, out var byId))
                    response.Topics.Add(MetadataTopics.Error(ErrorCode.UnknownTopicId, null, wanted.TopicId));
                else if (!authorizer.AuthorizeTopic(request, AclOperation.Describe, byId.Name))
                    response.Topics.Add(MetadataTopics.Error(ErrorCode.TopicAuthorizationFailed, null, wanted.TopicId));
                else
                    response.Topics.Add(WithOperations(request, topics.Describe(byId, snapshot, listener), withOperations));
            }
            else if (!authorizer.AuthorizeTopic(request, AclOperation.Describe, wanted.Name))
                response.Topics.Add(MetadataTopics.Error(ErrorCode.TopicAuthorizationFailed, wanted.Name, Guid.Empty));
            else if (snapshot.TopicsByName.TryGetValue(wanted.Name, out var byName))
                response.Topics.Add(WithOperations(request, topics.Describe(byName, snapshot, listener), withOperations));
            else if (TopicNames.Problem(wanted.Name) is not null)
                response.Topics.Add(WithOperations(request, MetadataTopics.Error(ErrorCode.InvalidTopicException, wanted.Name, Guid.Empty), withOperations));
            else if (!autoCreate || TopicNames.IsInternal(wanted.Name))
                response.Topics.Add(WithOperations(request, MetadataTopics.Error(ErrorCode.UnknownTopicOrPartition, wanted.Name, Guid.Empty), withOperations));
            else if (!(clusterCreate ??= authorizer.AuthorizeCluster(request, AclOperation.Create))
                && !authorizer.AuthorizeTopic(request, AclOperation.Create, wanted.Name))
                response.Topics.Add(MetadataTopics.Error(ErrorCode.TopicAuthorizationFailed, wanted.Name, Guid.Empty));
            else
                response.Topics.Add(WithOperations(request, await CreateAsync(wanted.Name, listener, ct), withOperations));
        }
        return response;
    }

    /// <summary>KIP-430: the topic's authorized operations when asked for; left "omitted" otherwise.</summary>
    private MetadataResponse.MetadataResponseTopic WithOperations(RequestContext request, MetadataResponse.MetadataResponseTopic topic, bool wanted)
    {
        if (wanted && topic.Name is { } name)
            topic.TopicAuthorizedOperations = authorizer.AuthorizedOperations(request, ResourceType.Topic, name);
        return topic;
    }

    private async Task<MetadataResponse.MetadataResponseTopic> CreateAsync(string name, ListenerEndpoint listener, CancellationToken ct)
    {
        var (error, topic, snapshot) = await autoCreation.CreateAsync(name, ct);
        return topic is not null ? topics.Describe(topic, snapshot, listener) : MetadataTopics.Error(error, name, Guid.Empty);
    }
}
