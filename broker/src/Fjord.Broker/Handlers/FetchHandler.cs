using Fjord.Broker.Fetch;
using Fjord.Broker.Network;
using Fjord.Broker.Observability;
using Fjord.Broker.Partitions;
using Fjord.Broker.Replicas;
using Fjord.Cluster;
using Fjord.Protocol;
using Fjord.Security.Authorization;

namespace Fjord.Broker.Handlers;

/// <summary>
/// Fetch 4–17 for consumers and follower replicas: incremental fetch sessions (KIP-227) and topic
/// ids (v13+) here; reading, long-polling, follower bookkeeping and divergence (KIP-320) in the
/// replica manager. Hot records go into the response as file regions that the connection sends
/// with sendfile. Authorized as Kafka's handleFetchRequest: a follower needs ClusterAction on the cluster, a
/// consumer Read on each topic; a denied partition answers TOPIC_AUTHORIZATION_FAILED and is never read.
/// A consumer's records count as the topic's bytes out (<paramref name="topicMetrics"/>); a follower's are replication.
/// </summary>
public sealed class FetchHandler(FetchSessionCache fetchSessions, MetadataCache metadata, ReplicaManager replicas, IAuthorizer authorizer,
    BrokerTopicMetrics? topicMetrics = null)
    : ApiHandler<FetchRequest, FetchResponse>
{
    public override ApiKey ApiKey => ApiKey.Fetch;
    public override short MinVersion => 4;
    public override short MaxVersion => 17;

    protected override async ValueTask<FetchResponse?> HandleAsync(RequestContext request, FetchRequest body, CancellationToken ct)
    {
        var version = request.ApiVersion;
        var session = FetchSessionRequest.Open(fetchSessions, body, version, request.Session.Principal, out var sessionError, out var incremental);
        if (sessionError != ErrorCode.None)
            return new FetchResponse { ErrorCode = (short)sessionError, SessionId = 0 };

        var targets = FetchSessionRequest.Resolve(metadata.Current, body, version, session);
        var replicaId = version >= 15 ? body.ReplicaState.ReplicaId : body.ReplicaId;
        var fetch = new FetchParams(replicaId, body.MaxWaitMs, body.MinBytes, version >= 3 ? body.MaxBytes : int.MaxValue, ReadCommitted: body.IsolationLevel == 1);
        var denied = Authorize(request, targets, fetch.IsFromFollower, byId: version >= 13);
        var requests = new List<FetchPartitionRequest>(targets.Count);
        for (var i = 0; i < targets.Count; i++)
        {
            if (denied is not null && denied[i]) continue;
            var t = targets[i];
            requests.Add(new FetchPartitionRequest(t.Topic, t.Partition.Key, t.Partition.FetchOffset, t.Partition.MaxBytes, t.Partition.CurrentLeaderEpoch, t.LastFetchedEpoch));
        }
        var results = await replicas.FetchMessagesAsync(fetch, requests, ct);
        if (denied is not null) results = WithDenied(results, denied);
        return BuildResponse(targets, results, session?.Id ?? 0, incremental, byId: version >= 13, fetch.IsFromFollower ? null : topicMetrics);
    }

    /// <summary>
    /// Which targets the principal may not fetch, or null when it may fetch them all (the usual case, which
    /// allocates nothing). Asked once per run of a topic's partitions, not per partition. A topic id the
    /// broker does not know is left to the replica manager (UNKNOWN_TOPIC_ID: ids are not names, Kafka
    /// answers them before authorizing); a topic name is authorized whether or not it exists.
    /// </summary>
    private bool[]? Authorize(RequestContext request, List<FetchTarget> targets, bool fromFollower, bool byId)
    {
        if (fromFollower)
        {
            if (authorizer.AuthorizeCluster(request, AclOperation.ClusterAction)) return null;
            var all = new bool[targets.Count];
            Array.Fill(all, true);
            return all;
        }
        bool[]? denied = null;
        string? lastTopic = null;
        var lastDenied = false;
        for (var i = 0; i < targets.Count; i++)
        {
            var target = targets[i];
            if (byId && target.Topic is null) continue;
            var topic = target.Partition.Key.Topic;
            if (!string.Equals(topic, lastTopic, StringComparison.Ordinal))
            {
                lastTopic = topic;
                lastDenied = !authorizer.AuthorizeTopic(request, AclOperation.Read, topic);
            }
            if (lastDenied) (denied ??= new bool[targets.Count])[i] = true;
        }
        return denied;
    }

    /// <summary>The fetched results of the allowed targets, in target order, with TOPIC_AUTHORIZATION_FAILED for the denied.</summary>
    private static FetchPartitionData[] WithDenied(FetchPartitionData[] fetched, bool[] denied)
    {
        var results = new FetchPartitionData[denied.Length];
        var next = 0;
        for (var i = 0; i < denied.Length; i++)
            results[i] = denied[i] ? FetchPartitionData.Failed(ErrorCode.TopicAuthorizationFailed) : fetched[next++];
        return results;
    }

    private static FetchResponse BuildResponse(List<FetchTarget> targets, FetchPartitionData[] results, int sessionId, bool incremental, bool byId,
        BrokerTopicMetrics? bytesOut)
    {
        var response = new FetchResponse { SessionId = sessionId };
        FetchResponse.FetchableTopicResponse? current = null;
        for (var i = 0; i < targets.Count; i++)
        {
            var cached = targets[i].Partition;
            var result = results[i];
            if (incremental && !cached.MustRespond(result.HighWatermark, result.LogStartOffset, result.Records.Length, result.Error != ErrorCode.None))
            {
                result.Dispose();
                continue;
            }
            cached.MarkSent(result.HighWatermark, result.LogStartOffset);
            bytesOut?.RecordFetched(cached.Key.Topic, result.Records.Length);
            if (current is null || (byId ? current.TopicId != cached.Key.TopicId : current.Topic != cached.Key.Topic))
            {
                current = new FetchResponse.FetchableTopicResponse { Topic = cached.Key.Topic, TopicId = cached.Key.TopicId };
                response.Responses.Add(current);
            }
            current.Partitions.Add(ToResponse(cached.Key.Partition, result));
        }
        return response;
    }

    private static FetchResponse.PartitionData ToResponse(int partition, FetchPartitionData result)
    {
        var data = new FetchResponse.PartitionData
        {
            PartitionIndex = partition,
            ErrorCode = (short)result.Error,
            HighWatermark = result.HighWatermark,
            LastStableOffset = result.LastStableOffset,
            LogStartOffset = result.LogStartOffset,
            Records = result.TakeRecords(), // AfterWrite releases them once encoded (a spliced region lives on until sent)
        };
        if (result.AbortedTransactions is { } aborted)
        {
            data.AbortedTransactions = new List<FetchResponse.AbortedTransaction>(aborted.Length);
            foreach (var (producerId, firstOffset) in aborted)
                data.AbortedTransactions.Add(new FetchResponse.AbortedTransaction { ProducerId = producerId, FirstOffset = firstOffset });
        }
        if (result.DivergingEpoch is { } diverging)
        {
            data.DivergingEpoch.Epoch = diverging.Epoch;
            data.DivergingEpoch.EndOffset = diverging.EndOffset;
        }
        return data;
    }

    protected override void AfterWrite(FetchResponse response)
    {
        foreach (var topic in response.Responses)
        {
            foreach (var partition in topic.Partitions)
            {
                if (partition.Records is { } records) FetchPartitionData.Release(records);
                partition.Records = ReadOnlyMemory<byte>.Empty;
            }
        }
    }
}
