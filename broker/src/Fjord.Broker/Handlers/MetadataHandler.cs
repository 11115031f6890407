using Fjord.Broker.Admin;
using Fjord.Broker.Network;
using Fjord.Cluster;
using Fjord.Protocol;

namespace Fjord.Broker.Handlers;

/// <summary>
/// Metadata 0–12, answered from the broker's metadata cache: every registered broker, the controller
/// from the lease, and each partition as the controller placed it. Auto-creates topics when allowed
/// (never the internal offsets topic, which the controller owns).
/// </summary>
public sealed class MetadataHandler(MetadataCache metadata, ClusterBrokers brokers, TopicAdmin admin, bool autoCreateTopicsEnable) : ApiHandler<MetadataRequest, MetadataResponse>
{
    private const int OmittedAuthorizedOperations = int.MinValue;

    /// <summary>How long an auto-creating Metadata request waits for the new partitions' leaders (Kafka's client retries anyway).</summary>
    private static readonly TimeSpan AutoCreateLeaderWait = TimeSpan.FromSeconds(5);

    public override ApiKey ApiKey => ApiKey.Metadata;
    public override short MinVersion => 0;
    public override short MaxVersion => 12;

    protected override async ValueTask<MetadataResponse?> HandleAsync(RequestContext request, MetadataRequest body, CancellationToken ct)
    {
        var snapshot = metadata.Current;
        var response = new MetadataResponse
        {
            ClusterId = snapshot.ClusterId,
            ControllerId = ClusterBrokers.ControllerId(snapshot),
        };
        foreach (var broker in brokers.Reachable(snapshot, request.Session.Listener))
            response.Brokers.Add(new MetadataResponse.MetadataResponseBroker
            {
                NodeId = broker.NodeId,
                Host = broker.Host,
                Port = broker.Port,
                Rack = broker.Rack,
            });

        // v0 asks for every topic with an empty list; v1+ with a null one.
        var allTopics = body.Topics is null || (request.ApiVersion == 0 && body.Topics.Count == 0);
        if (allTopics)
        {
            foreach (var topic in snapshot.TopicsByName.Values.OrderBy(t => t.Name, StringComparer.Ordinal))
                response.Topics.Add(Describe(topic, snapshot, request));
            return response;
        }

        var autoCreate = autoCreateTopicsEnable && (request.ApiVersion < 4 || body.AllowAutoTopicCreation);
        foreach (var wanted in body.Topics!)
        {
            TopicMetadata? topic = null;
            if (wanted.Name is null)
            {
                if (snapshot.TopicsById.TryGetValue(wanted.TopicId, out var byId)) topic = byId;
                response.Topics.Add(topic is not null ? Describe(topic, snapshot, request) : Error(ErrorCode.UnknownTopicId, null, wanted.TopicId));
                continue;
            }
            if (snapshot.TopicsByName.TryGetValue(wanted.Name, out var byName))
            {
                response.Topics.Add(Describe(byName, snapshot, request));
                continue;
            }
            if (TopicNames.Problem(wanted.Name) is not null)
            {
                response.Topics.Add(Error(ErrorCode.InvalidTopicException, wanted.Name, Guid.Empty));
                continue;
            }
            if (!autoCreate || TopicNames.IsInternal(wanted.Name))
            {
                response.Topics.Add(Error(ErrorCode.UnknownTopicOrPartition, wanted.Name, Guid.Empty));
                continue;
            }
            var created = await admin.CreateAsync(wanted.Name, -1, -1, new Dictionary<string, string>(), null, validateOnly: false, ct);
            if (created.Error is not ErrorCode.None and not ErrorCode.TopicAlreadyExists)
            {
                // The store being out of reach is transient: LEADER_NOT_AVAILABLE makes clients retry quietly.
                response.Topics.Add(Error(created.Error == ErrorCode.RequestTimedOut ? ErrorCode.LeaderNotAvailable : created.Error, wanted.Name, Guid.Empty));
                continue;
            }

            // Created here or by someone else first: the refreshed cache has it, with leaders if the controller was quick.
            if (created.Error == ErrorCode.None)
                await admin.AwaitLeadersAsync(wanted.Name, 0, created.Topic!.PartitionCount, AutoCreateLeaderWait, ct);
            else
                await admin.RefreshQuietlyAsync(ct, force: true);
            var current = metadata.Current;
            response.Topics.Add(current.TopicsByName.TryGetValue(wanted.Name, out var made)
                ? Describe(made, current, request) : Error(ErrorCode.LeaderNotAvailable, wanted.Name, Guid.Empty));
        }
        return response;
    }

    private MetadataResponse.MetadataResponseTopic Describe(TopicMetadata topic, MetadataSnapshot snapshot, RequestContext request)
    {
        var result = new MetadataResponse.MetadataResponseTopic
        {
            Name = topic.Name,
            TopicId = topic.TopicId,
            IsInternal = TopicNames.IsInternal(topic.Name),
            TopicAuthorizedOperations = OmittedAuthorizedOperations,
        };
        for (var p = 0; p < topic.PartitionCount; p++)
        {
            var state = snapshot.PartitionStateOf(topic.Name, p);
            result.Partitions.Add(Describe(p, state, snapshot, request));
        }
        return result;
    }

    /// <summary>
    /// One partition as the controller last placed it. No state yet (just created) or no leader is
    /// LEADER_NOT_AVAILABLE, as is a leader the client cannot reach on its listener (Kafka's answer,
    /// so the client retries rather than dial a broker it was not told about).
    /// </summary>
    private MetadataResponse.MetadataResponsePartition Describe(int partition, PartitionState? state, MetadataSnapshot snapshot, RequestContext request)
    {
        if (state is null)
            return new MetadataResponse.MetadataResponsePartition
            {
                ErrorCode = (short)ErrorCode.LeaderNotAvailable,
                PartitionIndex = partition,
                LeaderId = PartitionState.NoLeader,
            };
        var leaderReachable = state.Leader != PartitionState.NoLeader
            && brokers.Find(snapshot, state.Leader, request.Session.Listener) is not null;
        return new MetadataResponse.MetadataResponsePartition
        {
            ErrorCode = (short)(leaderReachable ? ErrorCode.None : ErrorCode.LeaderNotAvailable),
            PartitionIndex = partition,
            LeaderId = leaderReachable ? state.Leader : PartitionState.NoLeader,
            LeaderEpoch = state.LeaderEpoch,
            ReplicaNodes = [.. state.Replicas],
            IsrNodes = [.. state.Isr],
            OfflineReplicas = [.. state.Replicas.Where(r => r != brokers.NodeId && !snapshot.BrokersById.ContainsKey(r))],
        };
    }

    private static MetadataResponse.MetadataResponseTopic Error(ErrorCode error, string? name, Guid topicId) => new()
    {
        ErrorCode = (short)error,
        Name = name,
        TopicId = topicId,
        TopicAuthorizedOperations = OmittedAuthorizedOperations,
    };
}
