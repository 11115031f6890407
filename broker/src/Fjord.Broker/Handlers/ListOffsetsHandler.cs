using Fjord.Broker.Server;
using Fjord.Cluster;
using Fjord.Protocol;

namespace Fjord.Broker.Handlers;

/// <summary>
/// ListOffsets 1–10: latest (-1, the high watermark), earliest (-2), max timestamp (-3),
/// earliest local (-4, KIP-1005; the whole log is local until tiering arrives), and the
/// first offset at or after a timestamp.
/// </summary>
public sealed class ListOffsetsHandler(BrokerContext context) : ApiHandler<ListOffsetsRequest, ListOffsetsResponse>
{
    public const long Latest = -1;
    public const long Earliest = -2;
    public const long MaxTimestamp = -3;
    public const long EarliestLocal = -4;
    public const long LatestTiered = -5;

    public override ApiKey ApiKey => ApiKey.ListOffsets;
    public override short MinVersion => 1;
    public override short MaxVersion => 10;

    protected override async ValueTask<ListOffsetsResponse?> HandleAsync(RequestContext request, ListOffsetsRequest body, CancellationToken ct)
    {
        var response = new ListOffsetsResponse();
        var snapshot = context.Metadata.Current;
        foreach (var topic in body.Topics)
        {
            var topicResponse = new ListOffsetsResponse.ListOffsetsTopicResponse { Name = topic.Name };
            response.Topics.Add(topicResponse);
            snapshot.TopicsByName.TryGetValue(topic.Name, out var metadata);
            foreach (var partition in topic.Partitions)
            {
                var result = new ListOffsetsResponse.ListOffsetsPartitionResponse { PartitionIndex = partition.PartitionIndex, Timestamp = -1, Offset = -1 };
                topicResponse.Partitions.Add(result);
                if (metadata is null || partition.PartitionIndex < 0 || partition.PartitionIndex >= metadata.PartitionCount)
                {
                    result.ErrorCode = (short)ErrorCode.UnknownTopicOrPartition;
                    continue;
                }
                var leader = context.Replicas.GetLeader(metadata, partition.PartitionIndex, partition.CurrentLeaderEpoch, out var leaderError);
                if (leader is null)
                {
                    result.ErrorCode = (short)leaderError;
                    continue;
                }
                var log = leader.Log;
                result.LeaderEpoch = leader.LeaderEpoch;
                switch (partition.Timestamp)
                {
                    case Latest:
                        result.Offset = log.HighWatermark;
                        break;
                    case Earliest:
                        result.Offset = log.LogStartOffset;
                        break;
                    case EarliestLocal:
                        // KIP-1005: where the local tier starts; the log start offset when nothing is tiered.
                        result.Offset = log.LocalLogStartOffset;
                        break;
                    case LatestTiered:
                        // KIP-1005: the last offset in Blob storage; -1 when nothing is tiered.
                        result.Offset = context.Tiering?.HighestTieredOffset(new TopicPartitionKey(metadata.Name, partition.PartitionIndex)) ?? -1;
                        break;
                    case MaxTimestamp:
                        if (log.MaxTimestamp() is { } max)
                        {
                            result.Offset = max.Offset;
                            result.Timestamp = max.Timestamp;
                        }
                        break;
                    case < 0:
                        result.ErrorCode = (short)ErrorCode.UnsupportedVersion;
                        break;
                    default:
                        // The remote tier holds the older part of a tiered log: look there first (KIP-405).
                        if (log.Config.RemoteStorageEnable && context.Tiering is { } tiering && log.LocalLogStartOffset > log.LogStartOffset)
                        {
                            try
                            {
                                if (await tiering.Reader.FindOffsetByTimestampAsync(log.TopicId, partition.PartitionIndex, partition.Timestamp, ct) is { } remote
                                    && remote >= log.LogStartOffset && remote < log.LocalLogStartOffset)
                                {
                                    result.Offset = remote;
                                    break;
                                }
                            }
                            catch (Fjord.Tiering.RemoteStorageUnavailableException)
                            {
                                result.ErrorCode = (short)ErrorCode.KafkaStorageError;
                                break;
                            }
                        }
                        if (log.FindOffsetByTimestamp(partition.Timestamp) is { } found && found.Offset < log.HighWatermark)
                        {
                            result.Offset = found.Offset;
                            result.Timestamp = found.Timestamp;
                        }
                        break;
                }
            }
        }
        return response;
    }
}
