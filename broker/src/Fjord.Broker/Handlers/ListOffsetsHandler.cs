using Fjord.Broker.Network;
using Fjord.Broker.Partitions;
using Fjord.Broker.Replicas;
using Fjord.Cluster;
using Fjord.Protocol;

namespace Fjord.Broker.Handlers;

/// <summary>
/// ListOffsets 1–10: latest (-1, the high watermark), earliest (-2), max timestamp (-3), earliest
/// local (-4) and latest tiered (-5, KIP-1005), and the first offset at or after a timestamp.
/// </summary>
public sealed class ListOffsetsHandler(MetadataCache metadata, ReplicaManager replicas) : ApiHandler<ListOffsetsRequest, ListOffsetsResponse>
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
