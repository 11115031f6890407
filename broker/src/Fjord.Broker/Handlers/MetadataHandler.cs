using Fjord.Broker.Metadata;
using Fjord.Broker.Server;
using Fjord.Cluster;
using Fjord.Protocol;

namespace Fjord.Broker.Handlers;

/// <summary>Metadata 0–12, answered from the broker's metadata cache; auto-creates topics when allowed.</summary>
public sealed class MetadataHandler(BrokerContext context, TopicAdmin admin) : ApiHandler<MetadataRequest, MetadataResponse>
{
    private const int OmittedAuthorizedOperations = int.MinValue;

    public override ApiKey ApiKey => ApiKey.Metadata;
    public override short MinVersion => 0;
    public override short MaxVersion => 12;

    protected override async ValueTask<MetadataResponse?> HandleAsync(RequestContext request, MetadataRequest body, CancellationToken ct)
    {
        var snapshot = context.Metadata.Current;
        var response = new MetadataResponse
        {
            ClusterId = snapshot.ClusterId,
            ControllerId = context.NodeId,
        };
        var self = context.AdvertisedFor(request.Session.Listener);
        response.Brokers.Add(new MetadataResponse.MetadataResponseBroker
        {
            NodeId = context.NodeId,
            Host = self.Host,
            Port = self.Port,
            Rack = context.Config.Rack,
        });

        // v0 asks for every topic with an empty list; v1+ with a null one.
        var allTopics = body.Topics is null || (request.ApiVersion == 0 && body.Topics.Count == 0);
        if (allTopics)
        {
            foreach (var topic in snapshot.TopicsByName.Values.OrderBy(t => t.Name, StringComparer.Ordinal))
                response.Topics.Add(Describe(topic));
            return response;
        }

        var autoCreate = context.Config.AutoCreateTopicsEnable && (request.ApiVersion < 4 || body.AllowAutoTopicCreation);
        foreach (var wanted in body.Topics!)
        {
            TopicMetadata? topic = null;
            if (wanted.Name is null)
            {
                if (snapshot.TopicsById.TryGetValue(wanted.TopicId, out var byId)) topic = byId;
                response.Topics.Add(topic is not null ? Describe(topic) : Error(ErrorCode.UnknownTopicId, null, wanted.TopicId));
                continue;
            }
            if (snapshot.TopicsByName.TryGetValue(wanted.Name, out var byName))
            {
                response.Topics.Add(Describe(byName));
                continue;
            }
            if (TopicNames.Problem(wanted.Name) is not null)
            {
                response.Topics.Add(Error(ErrorCode.InvalidTopicException, wanted.Name, Guid.Empty));
                continue;
            }
            if (!autoCreate)
            {
                response.Topics.Add(Error(ErrorCode.UnknownTopicOrPartition, wanted.Name, Guid.Empty));
                continue;
            }
            var created = await admin.CreateAsync(wanted.Name, -1, -1, new Dictionary<string, string>(), null, validateOnly: false, ct);
            if (created.Error == ErrorCode.TopicAlreadyExists)
            {
                // Someone else created it first; the refreshed cache has it.
                await context.Metadata.RefreshAsync(force: true, ct);
                response.Topics.Add(context.Metadata.Current.TopicsByName.TryGetValue(wanted.Name, out var raced)
                    ? Describe(raced) : Error(ErrorCode.LeaderNotAvailable, wanted.Name, Guid.Empty));
            }
            else if (created.Error != ErrorCode.None)
                response.Topics.Add(Error(created.Error, wanted.Name, Guid.Empty));
            else
                response.Topics.Add(Describe(created.Topic!));
        }
        return response;
    }

    private MetadataResponse.MetadataResponseTopic Describe(TopicMetadata topic)
    {
        var result = new MetadataResponse.MetadataResponseTopic
        {
            Name = topic.Name,
            TopicId = topic.TopicId,
            TopicAuthorizedOperations = OmittedAuthorizedOperations,
        };
        for (var p = 0; p < topic.PartitionCount; p++)
        {
            result.Partitions.Add(new MetadataResponse.MetadataResponsePartition
            {
                PartitionIndex = p,
                LeaderId = context.NodeId,
                LeaderEpoch = ReplicaManager.LeaderEpoch,
                ReplicaNodes = [context.NodeId],
                IsrNodes = [context.NodeId],
            });
        }
        return result;
    }

    private static MetadataResponse.MetadataResponseTopic Error(ErrorCode error, string? name, Guid topicId) => new()
    {
        ErrorCode = (short)error,
        Name = name,
        TopicId = topicId,
        TopicAuthorizedOperations = OmittedAuthorizedOperations,
    };
}
