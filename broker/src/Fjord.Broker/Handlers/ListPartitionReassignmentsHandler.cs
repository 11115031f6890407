using Fjord.Broker.Membership;
using Fjord.Broker.Network;
using Fjord.Cluster;
using Fjord.Protocol;
using Fjord.Security.Authorization;

namespace Fjord.Broker.Handlers;

/// <summary>
/// ListPartitionReassignments 0, answered by the active controller only; any other broker answers
/// NOT_CONTROLLER. Null topics list every ongoing reassignment. Needs Describe on the cluster, checked first.
/// </summary>
public sealed class ListPartitionReassignmentsHandler(ActiveController activeController, IAuthorizer authorizer) : ApiHandler<ListPartitionReassignmentsRequest, ListPartitionReassignmentsResponse>
{
    public override ApiKey ApiKey => ApiKey.ListPartitionReassignments;
    public override short MinVersion => 0;
    public override short MaxVersion => 0;

    protected override ValueTask<ListPartitionReassignmentsResponse?> HandleAsync(
        RequestContext request, ListPartitionReassignmentsRequest body, CancellationToken ct)
    {
        if (!authorizer.AuthorizeCluster(request, AclOperation.Describe))
            return ValueTask.FromResult<ListPartitionReassignmentsResponse?>(new ListPartitionReassignmentsResponse
            {
                ErrorCode = (short)ErrorCode.ClusterAuthorizationFailed,
                ErrorMessage = "Not authorized to list partition reassignments: Describe on the cluster is needed.",
            });
        if (activeController.Current is not { IsActive: true } controller)
            return ValueTask.FromResult<ListPartitionReassignmentsResponse?>(new ListPartitionReassignmentsResponse
            {
                ErrorCode = (short)ErrorCode.NotController,
                ErrorMessage = "This broker is not the controller.",
            });

        var wanted = body.Topics?.SelectMany(t => t.PartitionIndexes.Select(p => new TopicPartitionKey(t.Name, p))).ToList();
        var response = new ListPartitionReassignmentsResponse { ErrorMessage = null };
        foreach (var topic in controller.ListPartitionReassignments(wanted).GroupBy(r => r.Partition.Topic))
        {
            var topicResponse = new ListPartitionReassignmentsResponse.OngoingTopicReassignment { Name = topic.Key };
            foreach (var ongoing in topic)
                topicResponse.Partitions.Add(new ListPartitionReassignmentsResponse.OngoingPartitionReassignment
                {
                    PartitionIndex = ongoing.Partition.Partition,
                    Replicas = [.. ongoing.Replicas],
                    AddingReplicas = [.. ongoing.AddingReplicas],
                    RemovingReplicas = [.. ongoing.RemovingReplicas],
                });
            response.Topics.Add(topicResponse);
        }
        return ValueTask.FromResult<ListPartitionReassignmentsResponse?>(response);
    }
}
