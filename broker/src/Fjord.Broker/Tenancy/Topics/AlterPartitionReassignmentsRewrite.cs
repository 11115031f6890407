using Fjord.Broker.Network;
using Fjord.Protocol;
using Fjord.Security.Tenancy;

namespace Fjord.Broker.Tenancy.Topics;

/// <summary>
/// AlterPartitionReassignments is the operator's: which brokers hold a partition is how the cluster is run. Refused
/// whole, as the handler refuses a principal without Alter on the cluster: CLUSTER_AUTHORIZATION_FAILED at the top and
/// on every partition. The refusal repeats the tenant's own names.
/// </summary>
public sealed class AlterPartitionReassignmentsRewrite : TenantRewrite<AlterPartitionReassignmentsRequest, AlterPartitionReassignmentsResponse>
{
    private const string Refusal = "Partition reassignments are managed by the cluster's operator.";

    public override AlterPartitionReassignmentsResponse? ToStored(TenantScope tenant, RequestContext context, AlterPartitionReassignmentsRequest request)
    {
        var response = new AlterPartitionReassignmentsResponse { ErrorCode = (short)ErrorCode.ClusterAuthorizationFailed, ErrorMessage = Refusal };
        foreach (var topic in request.Topics)
        {
            var result = new AlterPartitionReassignmentsResponse.ReassignableTopicResponse { Name = topic.Name };
            foreach (var partition in topic.Partitions)
                result.Partitions.Add(new AlterPartitionReassignmentsResponse.ReassignablePartitionResponse
                {
                    PartitionIndex = partition.PartitionIndex,
                    ErrorCode = (short)ErrorCode.ClusterAuthorizationFailed,
                    ErrorMessage = Refusal,
                });
            response.Responses.Add(result);
        }
        return response;
    }

    public override void ToClient(TenantScope tenant, RequestContext context, AlterPartitionReassignmentsRequest request, AlterPartitionReassignmentsResponse response)
    {
        // Only ever the refusal above, which speaks the tenant's names already.
    }
}
