using Fjord.Broker.Network;
using Fjord.Broker.Partitions;
using Fjord.Broker.Replicas;
using Fjord.Cluster;
using Fjord.Protocol;
using Fjord.Security.Authorization;

namespace Fjord.Broker.Handlers;

/// <summary>
/// DeleteRecords 0–2: moves a partition's log start offset forward (-1 means up to the high watermark).
/// Each topic needs Delete (Kafka's handleDeleteRecordsRequest), decided before it is looked up.
/// </summary>
public sealed class DeleteRecordsHandler(MetadataCache metadata, ReplicaManager replicas, IAuthorizer authorizer) : ApiHandler<DeleteRecordsRequest, DeleteRecordsResponse>
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
            if (!authorizer.AuthorizeTopic(request, AclOperation.Delete, topic.Name))
            {
                // Kafka's INVALID_LOW_WATERMARK with the error.
                foreach (var partition in topic.Partitions)
                    topicResult.Partitions.Add(new DeleteRecordsResponse.DeleteRecordsPartitionResult
                    {
                        PartitionIndex = partition.PartitionIndex,
                        ErrorCode = (short)ErrorCode.TopicAuthorizationFailed,
                        LowWatermark = -1,
                    });
                continue;
            }
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
