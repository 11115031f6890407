using Fjord.Broker.Network;
using Fjord.Broker.Transactions;
using Fjord.Protocol;
using Fjord.Security.Authorization;

namespace Fjord.Broker.Handlers.Transactions;

/// <summary>
/// WriteTxnMarkers 0–1: a transaction coordinator asks this partition leader to end a producer's
/// transaction with a COMMIT or ABORT marker. Answered per partition once the marker is replicated to the
/// ISR (or the pending offsets of a __consumer_offsets partition are completed). Only brokers may send it:
/// it needs ClusterAction on the cluster (else every partition CLUSTER_AUTHORIZATION_FAILED and no marker is
/// written, as Kafka's error response); the log's epoch checks keep a stale marker out.
/// </summary>
public sealed class WriteTxnMarkersHandler(TransactionMarkerApplier markers, IAuthorizer authorizer) : ApiHandler<WriteTxnMarkersRequest, WriteTxnMarkersResponse>
{
    public override ApiKey ApiKey => ApiKey.WriteTxnMarkers;
    public override short MinVersion => 0;
    public override short MaxVersion => 1;

    protected override async ValueTask<WriteTxnMarkersResponse?> HandleAsync(RequestContext request, WriteTxnMarkersRequest body, CancellationToken ct)
    {
        var response = new WriteTxnMarkersResponse();
        if (!authorizer.AuthorizeCluster(request, AclOperation.ClusterAction))
            return Refuse(body, ErrorCode.ClusterAuthorizationFailed);
        foreach (var marker in body.Markers)
        {
            var partitions = marker.Topics.SelectMany(t => t.PartitionIndexes.Select(p => (t.Name, p))).ToList();
            var errors = await markers.ApplyAsync(marker.ProducerId, marker.ProducerEpoch, marker.CoordinatorEpoch, marker.TransactionResult, partitions, ct);
            var result = new WriteTxnMarkersResponse.WritableTxnMarkerResult { ProducerId = marker.ProducerId };
            var i = 0;
            foreach (var topic in marker.Topics)
            {
                var topicResult = new WriteTxnMarkersResponse.WritableTxnMarkerTopicResult { Name = topic.Name };
                foreach (var partition in topic.PartitionIndexes)
                    topicResult.Partitions.Add(new WriteTxnMarkersResponse.WritableTxnMarkerPartitionResult { PartitionIndex = partition, ErrorCode = (short)errors[i++] });
                result.Topics.Add(topicResult);
            }
            response.Markers.Add(result);
        }
        return response;
    }

    private static WriteTxnMarkersResponse Refuse(WriteTxnMarkersRequest body, ErrorCode error)
    {
        var response = new WriteTxnMarkersResponse();
        foreach (var marker in body.Markers)
        {
            var result = new WriteTxnMarkersResponse.WritableTxnMarkerResult { ProducerId = marker.ProducerId };
            foreach (var topic in marker.Topics)
            {
                var topicResult = new WriteTxnMarkersResponse.WritableTxnMarkerTopicResult { Name = topic.Name };
                foreach (var partition in topic.PartitionIndexes)
                    topicResult.Partitions.Add(new WriteTxnMarkersResponse.WritableTxnMarkerPartitionResult { PartitionIndex = partition, ErrorCode = (short)error });
                result.Topics.Add(topicResult);
            }
            response.Markers.Add(result);
        }
        return response;
    }
}
