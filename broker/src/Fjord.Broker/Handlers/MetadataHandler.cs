using Fjord.Broker.Admin;
using Fjord.Broker.Configuration;
using Fjord.Broker.Network;
using Fjord.Cluster;
using Fjord.Protocol;

namespace Fjord.Broker.Handlers;

/// <summary>
/// Metadata 0–12, answered from the broker's metadata cache: every registered broker, the controller
/// from the lease, and each partition as the controller placed it. Auto-creates topics when allowed
/// (never the internal offsets topic, which the controller owns).
/// </summary>
public sealed class MetadataHandler(MetadataCache metadata, ClusterBrokers brokers, MetadataTopics topics, AutoTopicCreationManager autoCreation)
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

        // v0 asks for every topic with an empty list; v1+ with a null one.
        if (body.Topics is null || (request.ApiVersion == 0 && body.Topics.Count == 0))
        {
            foreach (var topic in snapshot.TopicsByName.Values.OrderBy(t => t.Name, StringComparer.Ordinal))
                response.Topics.Add(topics.Describe(topic, snapshot, listener));
            return response;
        }

        var autoCreate = autoCreation.Allows(request.ApiVersion, body.AllowAutoTopicCreation);
        foreach (var wanted in body.Topics)
        {
            if (wanted.Name is null)
                response.Topics.Add(snapshot.TopicsById.TryGetValue(wanted.TopicId, out var byId)
                    ? topics.Describe(byId, snapshot, listener) : MetadataTopics.Error(ErrorCode.UnknownTopicId, null, wanted.TopicId));
            else if (snapshot.TopicsByName.TryGetValue(wanted.Name, out var byName))
                response.Topics.Add(topics.Describe(byName, snapshot, listener));
            else if (TopicNames.Problem(wanted.Name) is not null)
                response.Topics.Add(MetadataTopics.Error(ErrorCode.InvalidTopicException, wanted.Name, Guid.Empty));
            else if (!autoCreate || TopicNames.IsInternal(wanted.Name))
                response.Topics.Add(MetadataTopics.Error(ErrorCode.UnknownTopicOrPartition, wanted.Name, Guid.Empty));
            else
                response.Topics.Add(await CreateAsync(wanted.Name, listener, ct));
        }
        return response;
    }

    private async Task<MetadataResponse.MetadataResponseTopic> CreateAsync(string name, ListenerEndpoint listener, CancellationToken ct)
    {
        var (error, topic, snapshot) = await autoCreation.CreateAsync(name, ct);
        return topic is not null ? topics.Describe(topic, snapshot, listener) : MetadataTopics.Error(error, name, Guid.Empty);
    }
}
