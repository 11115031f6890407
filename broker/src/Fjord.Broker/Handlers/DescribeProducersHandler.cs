using Fjord.Broker.Network;
using Fjord.Broker.Replicas;
using Fjord.Cluster;
using Fjord.Protocol;
using Fjord.Security.Authorization;

namespace Fjord.Broker.Handlers;

/// <summary>
/// DescribeProducers 0 (KIP-664): the producers a partition leader knows, with their epoch, last
/// sequence and open transaction, as kafka-transactions.sh describe-producers shows them. Each topic needs
/// Read (Kafka's handleDescribeProducersRequest), decided before it is looked up.
/// </summary>
public sealed class DescribeProducersHandler(MetadataCache metadata, ReplicaManager replicas, IAuthorizer authorizer) : ApiHandler<DescribeProducersRequest, DescribeProducersResponse>
{
    public override ApiKey ApiKey => ApiKey.DescribeProducers;
    public override short MinVersion => 0;
    public override short MaxVersion => 0;

    protected override ValueTask<DescribeProducersResponse?> HandleAsync(RequestContext request, DescribeProducersRequest body, CancellationToken ct)
    {
        var response = new DescribeProducersResponse();
        var snapshot = metadata.Current;
        foreach (var topic in body.Topics)
        {
            var topicResponse = new DescribeProducersResponse.TopicResponse { Name = topic.Name };
            response.Topics.Add(topicResponse);
            if (!authorizer.AuthorizeTopic(request, AclOperation.Read, topic.Name))
            {
                foreach (var index in topic.PartitionIndexes)
                    topicResponse.Partitions.Add(new DescribeProducersResponse.PartitionResponse { PartitionIndex = index, ErrorCode = (short)ErrorCode.TopicAuthorizationFailed });
                continue;
            }
            var topicMetadata = snapshot.TopicsByName.GetValueOrDefault(topic.Name);
            foreach (var index in topic.PartitionIndexes)
            {
                topicResponse.Partitions.Add(Describe(topicMetadata, index));
            }
        }
        return ValueTask.FromResult<DescribeProducersResponse?>(response);
    }

    private DescribeProducersResponse.PartitionResponse Describe(TopicMetadata? topic, int index)
    {
        var result = new DescribeProducersResponse.PartitionResponse { PartitionIndex = index };
        if (replicas.ActiveProducers(topic, index, out var error) is not { } producers)
        {
            result.ErrorCode = (short)error;
            return result;
        }
        foreach (var producer in producers)
        {
            result.ActiveProducers.Add(new DescribeProducersResponse.ProducerState
            {
                ProducerId = producer.ProducerId,
                ProducerEpoch = producer.ProducerEpoch,
                LastSequence = producer.LastSequence,
                LastTimestamp = producer.LastTimestamp,
                CoordinatorEpoch = producer.CoordinatorEpoch,
                CurrentTxnStartOffset = producer.CurrentTxnStartOffset,
            });
        }
        return result;
    }
}
