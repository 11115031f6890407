using Fjord.Broker.Partitions;
using Fjord.Cluster;
using Fjord.Log.Checkpoints;
using Fjord.Protocol;
using Fjord.Tiering;

namespace Fjord.Broker.Replicas;

public sealed partial class ReplicaManager
{
    private IRemoteLog? _remoteLog;

    /// <summary>Serves fetches and lookups below the local log start offset from Blob storage (KIP-405), once tiering runs.</summary>
    public void AttachRemoteLog(IRemoteLog remoteLog) => Volatile.Write(ref _remoteLog, remoteLog);

    /// <summary>
    /// The partition if this broker leads it, else why not: UNKNOWN_TOPIC_ID (an id the metadata does not
    /// know), UNKNOWN_TOPIC_OR_PARTITION, or <see cref="GetLeader"/>'s errors. The one place a request's
    /// topic and partition become a replica.
    /// </summary>
    public Partition? LeaderFor(TopicMetadata? topic, Guid requestedTopicId, int partition, int currentLeaderEpoch, out ErrorCode error)
    {
        if (topic is null || partition < 0 || partition >= topic.PartitionCount)
        {
            error = requestedTopicId != Guid.Empty && topic is null ? ErrorCode.UnknownTopicId : ErrorCode.UnknownTopicOrPartition;
            return null;
        }
        return GetLeader(topic, partition, currentLeaderEpoch, out error);
    }

    /// <summary>
    /// Kafka's fetchOffsetForTimestamp (ListOffsets): latest (the high watermark, or the last stable offset for
    /// read_committed), earliest, max timestamp,
    /// earliest local and latest tiered (KIP-1005), or the first offset at or after a timestamp — looked up
    /// in the remote tier first when the log is tiered (KIP-405).
    /// </summary>
    public async ValueTask<ListOffsetsResult> FetchOffsetForTimestampAsync(TopicMetadata? topic, int partition, int currentLeaderEpoch, long timestamp, bool readCommitted, CancellationToken ct)
    {
        var leader = LeaderFor(topic, Guid.Empty, partition, currentLeaderEpoch, out var error);
        if (leader is null) return ListOffsetsResult.Failed(error);
        var log = leader.Log;
        var epoch = leader.LeaderEpoch;
        switch (timestamp)
        {
            case OffsetSpec.Latest:
                return new(ErrorCode.None, readCommitted ? leader.LastStableOffset : log.HighWatermark, LeaderEpoch: epoch);
            case OffsetSpec.Earliest:
                return new(ErrorCode.None, log.LogStartOffset, LeaderEpoch: epoch);
            case OffsetSpec.EarliestLocal:
                // KIP-1005: where the local tier starts; the log start offset when nothing is tiered.
                return new(ErrorCode.None, log.LocalLogStartOffset, LeaderEpoch: epoch);
            case OffsetSpec.LatestTiered:
                return new(ErrorCode.None, Volatile.Read(ref _remoteLog)?.HighestTieredOffset(leader.Key.Topic, partition) ?? -1, LeaderEpoch: epoch);
            case OffsetSpec.MaxTimestamp:
                return log.MaxTimestamp() is { } max ? new(ErrorCode.None, max.Offset, max.Timestamp, epoch) : new(ErrorCode.None, LeaderEpoch: epoch);
            case < 0:
                return ListOffsetsResult.Failed(ErrorCode.UnsupportedVersion);
        }
        if (log.Config.RemoteStorageEnable && Volatile.Read(ref _remoteLog) is { } remoteLog && log.LocalLogStartOffset > log.LogStartOffset)
        {
            try
            {
                if (await remoteLog.Reader.FindOffsetByTimestampAsync(log.TopicId, partition, timestamp, ct) is { } remote
                    && remote >= log.LogStartOffset && remote < log.LocalLogStartOffset)
                    return new(ErrorCode.None, remote, LeaderEpoch: epoch);
            }
            catch (RemoteStorageUnavailableException)
            {
                return ListOffsetsResult.Failed(ErrorCode.KafkaStorageError);
            }
        }
        return log.FindOffsetByTimestamp(timestamp) is { } found && found.Offset < log.HighWatermark
            ? new(ErrorCode.None, found.Offset, found.Timestamp, epoch)
            : new(ErrorCode.None, LeaderEpoch: epoch);
    }

    /// <summary>Kafka's deleteRecords: moves the log start offset to <paramref name="offset"/> (-1: the high watermark); returns the new low watermark.</summary>
    public (ErrorCode Error, long LowWatermark) DeleteRecords(TopicMetadata? topic, int partition, long offset)
    {
        var leader = LeaderFor(topic, Guid.Empty, partition, -1, out var error);
        if (leader is null) return (error, -1);
        var log = leader.Log;
        var target = offset == -1 ? log.HighWatermark : offset;
        if (target < 0) return (ErrorCode.OffsetOutOfRange, -1);
        try
        {
            return (ErrorCode.None, log.DeleteRecordsBefore(target));
        }
        catch (Exception e) when (LogErrors.ToErrorCode(e) != ErrorCode.UnknownServerError)
        {
            return (LogErrors.ToErrorCode(e), -1);
        }
    }

    /// <summary>Kafka's lastOffsetForLeaderEpoch (OffsetForLeaderEpoch): where <paramref name="requestedEpoch"/> ends in this leader's history.</summary>
    public (ErrorCode Error, int Epoch, long EndOffset) LastOffsetForLeaderEpoch(TopicMetadata? topic, int partition, int currentLeaderEpoch, int requestedEpoch)
    {
        var leader = LeaderFor(topic, Guid.Empty, partition, currentLeaderEpoch, out var error);
        if (leader is null) return (error, -1, -1);
        var log = leader.Log;
        var (epoch, endOffset) = EndOffsetFor(log.LeaderEpochs.Entries, leader.LeaderEpoch, requestedEpoch, log.LogEndOffset);
        return (ErrorCode.None, epoch, endOffset);
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
