using Fjord.Broker.Network;
using Fjord.Broker.Partitions;
using Fjord.Broker.Replicas;
using Fjord.Cluster;
using Fjord.Protocol;
using Fjord.Security.Authorization;

namespace Fjord.Broker.Handlers;

/// <summary>
/// ListOffsets 1–10: latest (-1, the high watermark), earliest (-2), max timestamp (-3), earliest
/// local (-4) and latest tiered (-5, KIP-1005), and the first offset at or after a timestamp. Each topic
/// needs Describe (Kafka's handleListOffsetRequest), decided before it is looked up.
/// </summary>
public sealed class ListOffsetsHandler(MetadataCache metadata, ReplicaManager replicas, IAuthorizer authorizer) : ApiHandler<ListOffsetsRequest, ListOffsetsResponse>
{
    public override ApiKey ApiKey => ApiKey.ListOffsets;
    public override short MinVersion => 1;
    public override short MaxVersion => 10;

    protected override async ValueTask<ListOffsetsResponse?> HandleAsync(RequestContext request, ListOffsetsRequest body, CancellationToken ct)
    {
        var response = new ListOffsetsResponse();
        var snapshot = metadata.Current;
        foreach (var topic in body.Topics)
        {
            var topicResponse = new ListOffsetsResponse.ListOffsetsTopicResponse { Name = topic.Name };
            response.Topics.Add(topicResponse);
            if (!authorizer.AuthorizeTopic(request, AclOperation.Describe, topic.Name))
            {
                // Kafka's error answer: unknown offset and timestamp, no leader epoch.
                foreach (var partition in topic.Partitions)
                    topicResponse.Partitions.Add(new ListOffsetsResponse.ListOffsetsPartitionResponse
                    {
                        PartitionIndex = partition.PartitionIndex,
                        ErrorCode = (short)ErrorCode.TopicAuthorizationFailed,
                        Offset = -1,
                        Timestamp = -1,
                        LeaderEpoch = -1,
                    });
                continue;
            }
            var metadata = snapshot.TopicsByName.GetValueOrDefault(topic.Name);
            foreach (var partition in topic.Partitions)
            {
                var result = await replicas.FetchOffsetForTimestampAsync(metadata, partition.PartitionIndex, partition.CurrentLeaderEpoch, partition.Timestamp,
                    readCommitted: request.ApiVersion >= 2 && body.IsolationLevel == 1, ct);
                topicResponse.Partitions.Add(new ListOffsetsResponse.ListOffsetsPartitionResponse
                {
                    PartitionIndex = partition.PartitionIndex,
                    ErrorCode = (short)result.Error,
                    Offset = result.Offset,
                    Timestamp = result.Timestamp,
                    LeaderEpoch = result.LeaderEpoch,
                });
            }
        }
        return response;
    }
}
