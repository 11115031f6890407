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

    // The single broker leads every partition in epoch 0, as Fetch and ListOffsets assume.
    private const int LeaderEpoch = 0;

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
                var current = partition.CurrentLeaderEpoch;
                if (current > LeaderEpoch)
                {
                    result.ErrorCode = (short)ErrorCode.UnknownLeaderEpoch;
                    continue;
                }
                if (current >= 0 && current < LeaderEpoch)
                {
                    result.ErrorCode = (short)ErrorCode.FencedLeaderEpoch;
                    continue;
                }
                var log = context.Replicas.GetOrCreateLog(metadata, partition.Partition);
                var logEndOffset = log.LogEndOffset;
                var (epoch, endOffset) = EndOffsetFor(log.LeaderEpochs.Entries, LeaderEpoch, partition.LeaderEpoch, logEndOffset);
                result.LeaderEpoch = epoch;
                result.EndOffset = endOffset;
            }
        }
        return ValueTask.FromResult<OffsetForLeaderEpochResponse?>(response);
    }

    /// <summary>
    /// Kafka's LeaderEpochFileCache.endOffsetFor, as a leader answers it. <paramref name="entries"/> are
    /// in ascending epoch order. A Kafka leader writes its own epoch into the cache (at its log end
    /// offset) when elected, so the cache's latest epoch is always the leader's; ours only records an
    /// epoch with the first batch written in it, so when the cache is behind
    /// <paramref name="leaderEpoch"/> that epoch is taken to start at the log end offset.
    /// <list type="bullet">
    /// <item>UNDEFINED_EPOCH asked → (-1, -1).</item>
    /// <item>the latest epoch asked → (it, log end offset).</item>
    /// <item>an epoch above every known one → (-1, -1): the asker is ahead of this leader.</item>
    /// <item>an epoch below every known one → (the asked epoch, start offset of the first known epoch).</item>
    /// <item>otherwise → (the largest known epoch ≤ asked, start offset of the next known epoch).</item>
    /// </list>
    /// </summary>
    internal static (int Epoch, long EndOffset) EndOffsetFor(IReadOnlyList<EpochEntry> entries, int leaderEpoch, int requestedEpoch, long logEndOffset)
    {
        if (requestedEpoch == UndefinedEpoch)
        {
            return (UndefinedEpoch, UndefinedEpochOffset);
        }

        var count = entries.Count;
        var leaderEpochImplied = count == 0 || entries[count - 1].Epoch < leaderEpoch;
        var latest = leaderEpochImplied ? leaderEpoch : entries[count - 1].Epoch;
        if (requestedEpoch == latest)
        {
            return (requestedEpoch, logEndOffset);
        }

        var higher = 0;
        while (higher < count && entries[higher].Epoch <= requestedEpoch)
        {
            higher++;
        }

        long higherStartOffset;
        if (higher < count)
        {
            higherStartOffset = entries[higher].StartOffset;
        }
        else if (leaderEpochImplied && leaderEpoch > requestedEpoch)
        {
            higherStartOffset = logEndOffset;
        }
        else
        {
            return (UndefinedEpoch, UndefinedEpochOffset);
        }

        // No known epoch at or below the asked one: its data is gone from the log, so the asker resumes
        // from where the first surviving epoch starts.
        return higher == 0 ? (requestedEpoch, higherStartOffset) : (entries[higher - 1].Epoch, higherStartOffset);
    }
}
