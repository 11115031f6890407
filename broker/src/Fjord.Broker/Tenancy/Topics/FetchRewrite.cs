using Fjord.Broker.Fetch;
using Fjord.Broker.Network;
using Fjord.Protocol;
using Fjord.Security.Tenancy;

namespace Fjord.Broker.Tenancy.Topics;

/// <summary>
/// Fetch: topic names (v4–12) or topic ids (v13+), in the fetched and the forgotten topics alike, so an incremental
/// session (KIP-227) holds the stored names and the ids the handler saw, and its later answers translate the same
/// way. An id that is not one of the tenant's topics is hidden behind a stand-in (<see cref="HiddenTopicIds"/>).
/// The hot path: names come from the tenant's cache, nothing is allocated per partition, and the records (pooled
/// buffers and file regions) stay where they are; only a topic dropped from the response has its records released,
/// since the handler releases only what it writes. A tenant is never a follower replica: it has no replicas.
/// </summary>
public sealed class FetchRewrite(TenantRewriteServices services) : TenantRewrite<FetchRequest, FetchResponse>
{
    /// <summary>The state of a refused request: its response already speaks the tenant's names.</summary>
    private static readonly object Refused = new();

    public override FetchResponse? ToStored(TenantScope tenant, RequestContext context, FetchRequest request)
    {
        var replicaId = context.ApiVersion >= 15 ? request.ReplicaState.ReplicaId : request.ReplicaId;
        if (replicaId >= 0)
        {
            context.TenantRewriteState = Refused;
            return RefuseFollower(request);
        }
        if (context.ApiVersion >= 13)
        {
            var snapshot = services.Metadata.Current;
            foreach (var topic in request.Topics)
                topic.TopicId = HiddenTopicIds.ToStored(tenant, snapshot, context.Session, topic.TopicId);
            foreach (var forgotten in request.ForgottenTopicsData)
                forgotten.TopicId = HiddenTopicIds.ToStored(tenant, snapshot, context.Session, forgotten.TopicId);
        }
        else
        {
            foreach (var topic in request.Topics)
                topic.Topic = tenant.ToStored(topic.Topic);
            foreach (var forgotten in request.ForgottenTopicsData)
                forgotten.Topic = tenant.ToStored(forgotten.Topic);
        }
        return null;
    }

    public override void ToClient(TenantScope tenant, RequestContext context, FetchRequest request, FetchResponse response)
    {
        if (ReferenceEquals(context.TenantRewriteState, Refused)) return;
        var byId = context.ApiVersion >= 13;
        var hidden = byId && HiddenTopicIds.Any(context.Session);
        var topics = response.Responses;
        var kept = 0;
        for (var i = 0; i < topics.Count; i++)
        {
            var topic = topics[i];
            if (TenantTopicNames.TryToClient(tenant, topic.Topic, out var name))
            {
                topic.Topic = name;
            }
            else if (byId && topic.Topic.Length == 0)
            {
                // An id the broker does not know: a stand-in goes back to the id the tenant sent; any other is one
                // of the tenant's own topics deleted since its session named it, and is the tenant's already.
                if (hidden && HiddenTopicIds.TryToClient(context.Session, topic.TopicId, out var topicId)) topic.TopicId = topicId;
            }
            else
            {
                // Not the tenant's: only a session id guessed from another connection leads here.
                Release(topic);
                continue;
            }
            topics[kept++] = topic;
        }
        if (kept < topics.Count) topics.RemoveRange(kept, topics.Count - kept);
    }

    private static void Release(FetchResponse.FetchableTopicResponse topic)
    {
        foreach (var partition in topic.Partitions)
        {
            if (partition.Records is { } records) FetchPartitionData.Release(records);
            partition.Records = ReadOnlyMemory<byte>.Empty;
        }
    }

    /// <summary>Kafka's answer to a follower fetch without ClusterAction: every partition TOPIC_AUTHORIZATION_FAILED.</summary>
    private static FetchResponse RefuseFollower(FetchRequest request)
    {
        var response = new FetchResponse();
        foreach (var topic in request.Topics)
        {
            var refused = new FetchResponse.FetchableTopicResponse { Topic = topic.Topic, TopicId = topic.TopicId };
            foreach (var partition in topic.Partitions)
                refused.Partitions.Add(new FetchResponse.PartitionData
                {
                    PartitionIndex = partition.Partition,
                    ErrorCode = (short)ErrorCode.TopicAuthorizationFailed,
                    HighWatermark = -1,
                    LastStableOffset = -1,
                    LogStartOffset = -1,
                });
            response.Responses.Add(refused);
        }
        return response;
    }
}
