using Fjord.Broker.Server;
using Fjord.Log.Checkpoints;
using Fjord.Protocol;

namespace Fjord.Broker.Handlers;

/// <summary>
/// OffsetForLeaderEpoch 0–4 (KIP-101, KIP-320): the end offset of a leader epoch as this leader's
/// leader-epoch cache knows it. A follower truncates to it; a consumer (librdkafka after a leader
/// change or a seek to a committed offset with an epoch) compares it with its position to detect
/// log truncation, so the answer follows Kafka's LeaderEpochFileCache.endOffsetFor exactly.
/// </summary>
public sealed class OffsetForLeaderEpochHandler(BrokerContext context) : ApiHandler<OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse>
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
        // ReplicaId only matters to Kafka for "serve from the leader only" (everyone but -2) and for
        // authorising followers; this broker is the leader of everything and has no ACLs yet.
        var response = new OffsetForLeaderEpochResponse();
        var snapshot = context.Metadata.Current;
        foreach (var topic in body.Topics)
        {
            var topicResult = new OffsetForLeaderEpochResponse.OffsetForLeaderTopicResult { Topic = topic.Topic };
            response.Topics.Add(topicResult);
            snapshot.TopicsByName.TryGetValue(topic.Topic, out var metadata);
            foreach (var partition in topic.Partitions)
            {
                // Defaults are UNDEFINED_EPOCH / UNDEFINED_EPOCH_OFFSET, which every error answer carries.
                var result = new OffsetForLeaderEpochResponse.EpochEndOffset { Partition = partition.Partition };
                topicResult.Partitions.Add(result);
                if (metadata is null || partition.Partition < 0 || partition.Partition >= metadata.PartitionCount)
                {
                    result.ErrorCode = (short)ErrorCode.UnknownTopicOrPartition;
                    continue;
                }
                // CurrentLeaderEpoch is v2+; older requests decode it as -1, which skips the check (KIP-320).
                var leader = context.Replicas.GetLeader(metadata, partition.Partition, partition.CurrentLeaderEpoch, out var leaderError);
                if (leader is null)
                {
                    result.ErrorCode = (short)leaderError;
                    continue;
                }
                var log = leader.Log;
                var logEndOffset = log.LogEndOffset;
                var (epoch, endOffset) = EndOffsetFor(log.LeaderEpochs.Entries, leader.LeaderEpoch, partition.LeaderEpoch, logEndOffset);
                result.LeaderEpoch = epoch;
                result.EndOffset = endOffset;
            }
        }
        return ValueTask.FromResult<OffsetForLeaderEpochResponse?>(response);
    }

    /// <summary>
    /// Kafka's endOffsetFor as a leader answers it. A Kafka leader writes its own epoch into the cache
    /// (at its log end offset) when elected; ours records an epoch only with the first batch written
    /// in it, so when the cache is behind <paramref name="leaderEpoch"/> that epoch is taken to start
    /// at the log end offset.
    /// </summary>
    internal static (int Epoch, long EndOffset) EndOffsetFor(IReadOnlyList<EpochEntry> entries, int leaderEpoch, int requestedEpoch, long logEndOffset)
    {
        var implied = entries.Count == 0 || entries[^1].Epoch < leaderEpoch;
        return LeaderEpochCheckpoint.EndOffsetFor(implied ? [.. entries, new EpochEntry(leaderEpoch, logEndOffset)] : entries, requestedEpoch, logEndOffset);
    }
}
