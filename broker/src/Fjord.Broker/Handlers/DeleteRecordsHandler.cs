using Fjord.Broker.Network;
using Fjord.Broker.Partitions;
using Fjord.Broker.Replicas;
using Fjord.Cluster;
using Fjord.Protocol;

namespace Fjord.Broker.Handlers;

/// <summary>DeleteRecords 0–2: moves a partition's log start offset forward (-1 means up to the high watermark).</summary>
public sealed class DeleteRecordsHandler(MetadataCache metadata, ReplicaManager replicas) : ApiHandler<DeleteRecordsRequest, DeleteRecordsResponse>
{
    public override ApiKey ApiKey => ApiKey.DeleteRecords;
    public override short MinVersion => 0;
    public override short MaxVersion => 2;

    protected override ValueTask<DeleteRecordsResponse?> HandleAsync(RequestContext request, DeleteRecordsRequest body, CancellationToken ct)
    {
        var response = new DeleteRecordsResponse();
        var snapshot = metadata.Current;
        foreach (var topic in body.Topics)
        {
            var topicResult = new DeleteRecordsResponse.DeleteRecordsTopicResult { Name = topic.Name };
            response.Topics.Add(topicResult);
            var metadata = snapshot.TopicsByName.GetValueOrDefault(topic.Name);
            foreach (var partition in topic.Partitions)
            {
                var (error, lowWatermark) = replicas.DeleteRecords(metadata, partition.PartitionIndex, partition.Offset);
                topicResult.Partitions.Add(new DeleteRecordsResponse.DeleteRecordsPartitionResult
                {
                    PartitionIndex = partition.PartitionIndex,
                    ErrorCode = (short)error,
                    LowWatermark = lowWatermark,
                });
            }
        }
        return ValueTask.FromResult<DeleteRecordsResponse?>(response);
    }
}
