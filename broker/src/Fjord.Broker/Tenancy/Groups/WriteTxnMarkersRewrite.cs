using Fjord.Broker.Network;
using Fjord.Protocol;
using Fjord.Security.Tenancy;

namespace Fjord.Broker.Tenancy.Groups;

/// <summary>
/// WriteTxnMarkers is a transaction coordinator's request to partition leaders: only brokers send it, and a
/// tenant is never one (a tenant's ClusterAction on its own cluster resource must not reach real markers). Every
/// partition is refused with CLUSTER_AUTHORIZATION_FAILED, Kafka's answer to a client without ClusterAction,
/// and no marker is written.
/// </summary>
public sealed class WriteTxnMarkersRewrite : TenantRewrite<WriteTxnMarkersRequest, WriteTxnMarkersResponse>
{
    public static readonly WriteTxnMarkersRewrite Instance = new();

    public override WriteTxnMarkersResponse? ToStored(TenantScope tenant, RequestContext context, WriteTxnMarkersRequest request)
    {
        // Built from the request as the tenant sent it: its names are already the tenant's.
        var response = new WriteTxnMarkersResponse();
        foreach (var marker in request.Markers)
        {
            var result = new WriteTxnMarkersResponse.WritableTxnMarkerResult { ProducerId = marker.ProducerId };
            foreach (var topic in marker.Topics)
            {
                var topicResult = new WriteTxnMarkersResponse.WritableTxnMarkerTopicResult { Name = topic.Name };
                foreach (var partition in topic.PartitionIndexes)
                    topicResult.Partitions.Add(new WriteTxnMarkersResponse.WritableTxnMarkerPartitionResult
                    {
                        PartitionIndex = partition,
                        ErrorCode = (short)ErrorCode.ClusterAuthorizationFailed,
                    });
                result.Topics.Add(topicResult);
            }
            response.Markers.Add(result);
        }
        return response;
    }

    public override void ToClient(TenantScope tenant, RequestContext context, WriteTxnMarkersRequest request, WriteTxnMarkersResponse response)
    {
    }
}
