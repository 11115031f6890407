using Fjord.Broker.Network;
using Fjord.Broker.Partitions;
using Fjord.Broker.Replicas;
using Fjord.Cluster;
using Fjord.Protocol;
using Fjord.Security.Authorization;

namespace Fjord.Broker.Handlers;

/// <summary>
/// OffsetForLeaderEpoch 0–4 (KIP-101, KIP-320): the end offset of a leader epoch as this leader's
/// leader-epoch cache knows it. A follower truncates to it; a consumer (librdkafka after a leader
/// change or a seek to a committed offset with an epoch) compares it with its position to detect
/// log truncation, so the answer follows Kafka's LeaderEpochFileCache.endOffsetFor exactly.
/// </summary>
public sealed class OffsetForLeaderEpochHandler(MetadataCache metadata, ReplicaManager replicas, IAuthorizer authorizer) : ApiHandler<OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse>
{
    /// <summary>Kafka's UNDEFINED_EPOCH: no epoch known, or "do not check" in CurrentLeaderEpoch.</summary>
    public const int UndefinedEpoch = -1;

    /// <summary>Kafka's UNDEFINED_EPOCH_OFFSET.</summary>
    public const long UndefinedEpochOffset = -1;

    /// <summary>ReplicaId of a consumer (v3+).</summary>
    public const int ConsumerReplicaId = -1;

    /// <summary>ReplicaId of a debugging tool (v3+; the default, and what v0–v2 imply).</summary>
    public const int DebuggingReplicaId = -2;

    public override ApiKey ApiKey => ApiKey.OffsetForLeaderEpoch;
    public override short MinVersion => 0;
    public override short MaxVersion => 4;

    protected override ValueTask<OffsetForLeaderEpochResponse?> HandleAsync(RequestContext request, OffsetForLeaderEpochRequest body, CancellationToken ct)
    {
        // Followers used this API first and need ClusterAction; since KIP-320 consumers ask too, so Kafka
        // falls back to Describe on each topic (whatever the ReplicaId claims), decided before the lookup.
        var response = new OffsetForLeaderEpochResponse();
        var snapshot = metadata.Current;
        var cluster = authorizer.AuthorizeCluster(request, AclOperation.ClusterAction);
        foreach (var topic in body.Topics)
        {
            var topicResult = new OffsetForLeaderEpochResponse.OffsetForLeaderTopicResult { Topic = topic.Topic };
            response.Topics.Add(topicResult);
            if (!cluster && !authorizer.AuthorizeTopic(request, AclOperation.Describe, topic.Topic))
            {
                foreach (var partition in topic.Partitions)
                    topicResult.Partitions.Add(new OffsetForLeaderEpochResponse.EpochEndOffset
                    {
                        Partition = partition.Partition,
                        ErrorCode = (short)ErrorCode.TopicAuthorizationFailed,
                        LeaderEpoch = UndefinedEpoch,
                        EndOffset = UndefinedEpochOffset,
                    });
                continue;
            }
            var metadata = snapshot.TopicsByName.GetValueOrDefault(topic.Topic);
            foreach (var partition in topic.Partitions)
            {
                // CurrentLeaderEpoch is v2+; older requests decode it as -1, which skips the check (KIP-320).
                // Errors carry UNDEFINED_EPOCH / UNDEFINED_EPOCH_OFFSET.
                var (error, epoch, endOffset) = replicas.LastOffsetForLeaderEpoch(metadata, partition.Partition, partition.CurrentLeaderEpoch, partition.LeaderEpoch);
                topicResult.Partitions.Add(new OffsetForLeaderEpochResponse.EpochEndOffset
                {
                    Partition = partition.Partition,
                    ErrorCode = (short)error,
                    LeaderEpoch = epoch,
                    EndOffset = endOffset,
                });
            }
        }
        return ValueTask.FromResult<OffsetForLeaderEpochResponse?>(response);
    }
}
