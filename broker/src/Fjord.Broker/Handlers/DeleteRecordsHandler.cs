using Fjord.Broker.Partitions;
using Fjord.Broker.Server;
using Fjord.Protocol;

namespace Fjord.Broker.Handlers;

/// <summary>DeleteRecords 0–2: moves a partition's log start offset forward (-1 means up to the high watermark).</summary>
public sealed class DeleteRecordsHandler(BrokerContext context) : ApiHandler<DeleteRecordsRequest, DeleteRecordsResponse>
{
    public override ApiKey ApiKey => ApiKey.DeleteRecords;
    public override short MinVersion => 0;
    public override short MaxVersion => 2;

    protected override ValueTask<DeleteRecordsResponse?> HandleAsync(RequestContext request, DeleteRecordsRequest body, CancellationToken ct)
    {
        var response = new DeleteRecordsResponse();
        var snapshot = context.Metadata.Current;
        foreach (var topic in body.Topics)
        {
            var topicResult = new DeleteRecordsResponse.DeleteRecordsTopicResult { Name = topic.Name };
            response.Topics.Add(topicResult);
            snapshot.TopicsByName.TryGetValue(topic.Name, out var metadata);
            foreach (var partition in topic.Partitions)
            {
                var result = new DeleteRecordsResponse.DeleteRecordsPartitionResult { PartitionIndex = partition.PartitionIndex, LowWatermark = -1 };
                topicResult.Partitions.Add(result);
                if (metadata is null || partition.PartitionIndex < 0 || partition.PartitionIndex >= metadata.PartitionCount)
                {
                    result.ErrorCode = (short)ErrorCode.UnknownTopicOrPartition;
                    continue;
                }
                var leader = context.Replicas.GetLeader(metadata, partition.PartitionIndex, -1, out var leaderError);
                if (leader is null)
                {
                    result.ErrorCode = (short)leaderError;
                    continue;
                }
                var log = leader.Log;
                var offset = partition.Offset == -1 ? log.HighWatermark : partition.Offset;
                if (offset < 0)
                {
                    result.ErrorCode = (short)ErrorCode.OffsetOutOfRange;
                    continue;
                }
                try
                {
                    result.LowWatermark = log.DeleteRecordsBefore(offset);
                }
                catch (Exception e) when (LogErrors.ToErrorCode(e) != ErrorCode.UnknownServerError)
                {
                    result.ErrorCode = (short)LogErrors.ToErrorCode(e);
                }
            }
        }
        return ValueTask.FromResult<DeleteRecordsResponse?>(response);
    }
}
