using Fjord.Broker.Network;
using Fjord.Broker.Transactions;
using Fjord.Protocol;

namespace Fjord.Broker.Handlers.Transactions;

/// <summary>
/// WriteTxnMarkers 0–1: a transaction coordinator asks this partition leader to end a producer's
/// transaction with a COMMIT or ABORT marker. Answered per partition once the marker is replicated to the
/// ISR (or the pending offsets of a __consumer_offsets partition are completed). Kafka requires
/// ClusterAction on the cluster for it; until Fjord has an authorizer any connection may send it, and the
/// log's epoch checks (producer epoch, coordinator epoch) are what keep a stale marker out.
/// </summary>
public sealed class WriteTxnMarkersHandler(TransactionMarkerApplier markers) : ApiHandler<WriteTxnMarkersRequest, WriteTxnMarkersResponse>
{
    public override ApiKey ApiKey => ApiKey.WriteTxnMarkers;
    public override short MinVersion => 0;
    public override short MaxVersion => 1;

    protected override async ValueTask<WriteTxnMarkersResponse?> HandleAsync(RequestContext request, WriteTxnMarkersRequest body, CancellationToken ct)
    {
        var response = new WriteTxnMarkersResponse();
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
}
