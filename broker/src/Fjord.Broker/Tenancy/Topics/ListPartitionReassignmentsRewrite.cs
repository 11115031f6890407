using Fjord.Broker.Network;
using Fjord.Protocol;
using Fjord.Security.Tenancy;

namespace Fjord.Broker.Tenancy.Topics;

/// <summary>
/// ListPartitionReassignments is the operator's, as altering them is. Refused whole, as the handler refuses a
/// principal without Describe on the cluster: CLUSTER_AUTHORIZATION_FAILED at the top (the response has no
/// per-partition errors) and no reassignments listed.
/// </summary>
public sealed class ListPartitionReassignmentsRewrite : TenantRewrite<ListPartitionReassignmentsRequest, ListPartitionReassignmentsResponse>
{
    public override ListPartitionReassignmentsResponse? ToStored(TenantScope tenant, RequestContext context, ListPartitionReassignmentsRequest request) => new()
    {
        ErrorCode = (short)ErrorCode.ClusterAuthorizationFailed,
        ErrorMessage = "Partition reassignments are managed by the cluster's operator.",
    };

    public override void ToClient(TenantScope tenant, RequestContext context, ListPartitionReassignmentsRequest request, ListPartitionReassignmentsResponse response)
    {
        // Only ever the refusal above.
    }
}
