using Fjord.Broker.Membership;
using Fjord.Broker.Network;
using Fjord.Cluster;
using Fjord.Protocol;
using Fjord.Security.Authorization;

namespace Fjord.Broker.Handlers;

/// <summary>
/// AlterPartitionReassignments 0, answered by the active controller only; any other broker answers
/// NOT_CONTROLLER for the whole request (top level and every partition, as Kafka's error response does).
/// A null replica list cancels the partition's ongoing reassignment. Needs Alter on the cluster, checked first,
/// and refused the same way (CLUSTER_AUTHORIZATION_FAILED at the top and on every partition).
/// </summary>
public sealed class AlterPartitionReassignmentsHandler(ActiveController activeController, IAuthorizer authorizer) : ApiHandler<AlterPartitionReassignmentsRequest, AlterPartitionReassignmentsResponse>
{
    public override ApiKey ApiKey => ApiKey.AlterPartitionReassignments;
    public override short MinVersion => 0;
    public override short MaxVersion => 0;

    protected override async ValueTask<AlterPartitionReassignmentsResponse?> HandleAsync(
        RequestContext request, AlterPartitionReassignmentsRequest body, CancellationToken ct)
    {
        var changes = body.Topics
            .SelectMany(t => t.Partitions.Select(p => (Partition: new TopicPartitionKey(t.Name, p.PartitionIndex), TargetReplicas: (IReadOnlyList<int>?)p.Replicas)))
            .ToList();
        if (!authorizer.AuthorizeCluster(request, AclOperation.Alter))
        {
            const string denied = "Not authorized to alter partition reassignments: Alter on the cluster is needed.";
            var refused = new AlterPartitionReassignmentsResponse { ErrorCode = (short)ErrorCode.ClusterAuthorizationFailed, ErrorMessage = denied };
            AddResults(refused, changes.Select(c => (c.Partition, ErrorCode.ClusterAuthorizationFailed, (string?)denied)));
            return refused;
        }
        if (activeController.Current is not { IsActive: true } controller)
        {
            const string message = "This broker is not the controller.";
            var refused = new AlterPartitionReassignmentsResponse { ErrorCode = (short)ErrorCode.NotController, ErrorMessage = message };
            AddResults(refused, changes.Select(c => (c.Partition, ErrorCode.NotController, (string?)message)));
            return refused;
        }

        var outcomes = await controller.AlterPartitionReassignmentsAsync(changes, ct);
        var response = new AlterPartitionReassignmentsResponse { ErrorMessage = null };
        AddResults(response, outcomes.Select(o => (o.Partition, o.Error, o.Message)));
        return response;
    }

    private static void AddResults(AlterPartitionReassignmentsResponse response, IEnumerable<(TopicPartitionKey Partition, ErrorCode Error, string? Message)> results)
    {
        foreach (var topic in results.GroupBy(r => r.Partition.Topic))
        {
            var topicResponse = new AlterPartitionReassignmentsResponse.ReassignableTopicResponse { Name = topic.Key };
            foreach (var (partition, error, message) in topic)
                topicResponse.Partitions.Add(new AlterPartitionReassignmentsResponse.ReassignablePartitionResponse
                {
                    PartitionIndex = partition.Partition,
                    ErrorCode = (short)error,
                    ErrorMessage = message,
                });
            response.Responses.Add(topicResponse);
        }
    }
}
