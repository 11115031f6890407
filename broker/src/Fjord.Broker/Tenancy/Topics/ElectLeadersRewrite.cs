using Fjord.Broker.Network;
using Fjord.Protocol;
using Fjord.Security.Tenancy;

namespace Fjord.Broker.Tenancy.Topics;

/// <summary>
/// ElectLeaders is the operator's: where leaders are is how the cluster is run, not a tenant's business. Refused
/// whole, as the handler refuses a principal without Alter on the cluster: CLUSTER_AUTHORIZATION_FAILED at the top
/// (v1+) and on every partition asked for (v0 has only those). The refusal repeats the tenant's own names.
/// </summary>
public sealed class ElectLeadersRewrite : TenantRewrite<ElectLeadersRequest, ElectLeadersResponse>
{
    private const string Refusal = "Leader elections are managed by the cluster's operator.";

    public override ElectLeadersResponse? ToStored(TenantScope tenant, RequestContext context, ElectLeadersRequest request)
    {
        var response = new ElectLeadersResponse { ErrorCode = (short)ErrorCode.ClusterAuthorizationFailed };
        foreach (var topic in request.TopicPartitions ?? [])
        {
            var result = new ElectLeadersResponse.ReplicaElectionResult { Topic = topic.Topic };
            foreach (var partition in topic.Partitions.Distinct())
                result.PartitionResult.Add(new ElectLeadersResponse.PartitionResult
                {
                    PartitionId = partition,
                    ErrorCode = (short)ErrorCode.ClusterAuthorizationFailed,
                    ErrorMessage = Refusal,
                });
            response.ReplicaElectionResults.Add(result);
        }
        return response;
    }

    public override void ToClient(TenantScope tenant, RequestContext context, ElectLeadersRequest request, ElectLeadersResponse response)
    {
        // Only ever the refusal above, which speaks the tenant's names already.
    }
}
