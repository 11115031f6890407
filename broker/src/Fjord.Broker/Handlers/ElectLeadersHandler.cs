using Fjord.Broker.Membership;
using Fjord.Broker.Network;
using Fjord.Cluster;
using Fjord.Controller;
using Fjord.Protocol;
using Fjord.Security.Authorization;

namespace Fjord.Broker.Handlers;

/// <summary>
/// ElectLeaders 0–2, answered by the active controller only (Kafka's admin client sends it to the
/// controller it found through Metadata); any other broker answers NOT_CONTROLLER for the whole request.
/// v0 has no election type (preferred) and no top-level error code, so its errors travel per partition.
/// Needs Alter on the cluster (Kafka's handleElectLeaders), checked before anything else.
/// </summary>
public sealed class ElectLeadersHandler(ActiveController activeController, IAuthorizer authorizer) : ApiHandler<ElectLeadersRequest, ElectLeadersResponse>
{
    public override ApiKey ApiKey => ApiKey.ElectLeaders;
    public override short MinVersion => 0;
    public override short MaxVersion => 2;

    protected override async ValueTask<ElectLeadersResponse?> HandleAsync(RequestContext request, ElectLeadersRequest body, CancellationToken ct)
    {
        var requested = body.TopicPartitions?
            .SelectMany(t => t.Partitions.Distinct().Select(p => new TopicPartitionKey(t.Topic, p)))
            .ToList();
        if (!authorizer.AuthorizeCluster(request, AclOperation.Alter))
            return Refuse(requested, ErrorCode.ClusterAuthorizationFailed, "Not authorized to elect leaders: Alter on the cluster is needed.");
        if (activeController.Current is not { IsActive: true } controller)
            return Refuse(requested, ErrorCode.NotController, "This broker is not the controller.");
        var kind = request.ApiVersion >= 1 ? body.ElectionType : (sbyte)ElectionKind.Preferred;
        if (kind is not ((sbyte)ElectionKind.Preferred or (sbyte)ElectionKind.Unclean))
            return Refuse(requested, ErrorCode.InvalidRequest, $"Unknown election type {kind}.");

        var outcomes = await controller.ElectLeadersAsync((ElectionKind)kind, requested, ct);
        var response = new ElectLeadersResponse();
        foreach (var topic in outcomes.GroupBy(o => o.Partition.Topic))
        {
            var result = new ElectLeadersResponse.ReplicaElectionResult { Topic = topic.Key };
            foreach (var outcome in topic)
                result.PartitionResult.Add(new ElectLeadersResponse.PartitionResult
                {
                    PartitionId = outcome.Partition.Partition,
                    ErrorCode = (short)outcome.Error,
                    ErrorMessage = outcome.Message,
                });
            response.ReplicaElectionResults.Add(result);
        }
        return response;
    }

    /// <summary>Kafka's error response: the top-level code (v1+) and the same error for every requested partition.</summary>
    private static ElectLeadersResponse Refuse(IReadOnlyList<TopicPartitionKey>? requested, ErrorCode error, string message)
    {
        var response = new ElectLeadersResponse { ErrorCode = (short)error };
        foreach (var topic in (requested ?? []).GroupBy(p => p.Topic))
        {
            var result = new ElectLeadersResponse.ReplicaElectionResult { Topic = topic.Key };
            foreach (var partition in topic)
                result.PartitionResult.Add(new ElectLeadersResponse.PartitionResult
                {
                    PartitionId = partition.Partition,
                    ErrorCode = (short)error,
                    ErrorMessage = message,
                });
            response.ReplicaElectionResults.Add(result);
        }
        return response;
    }
}
