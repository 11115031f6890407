using Fjord.Broker.Network;
using Fjord.Groups;
using Fjord.Protocol;
using Fjord.Security.Authorization;

namespace Fjord.Broker.Handlers.Groups;

/// <summary>
/// OffsetDelete 0: removes committed offsets of partitions the group no longer consumes. Authorized as Kafka's
/// handleOffsetDeleteRequest: Delete on the group (else the top-level GROUP_AUTHORIZATION_FAILED), then Read
/// on each topic (its partitions TOPIC_AUTHORIZATION_FAILED, their offsets kept).
/// </summary>
public sealed class OffsetDeleteHandler(GroupCoordinator groups, IAuthorizer authorizer) : ApiHandler<OffsetDeleteRequest, OffsetDeleteResponse>
{
    public override ApiKey ApiKey => ApiKey.OffsetDelete;
    public override short MinVersion => 0;
    public override short MaxVersion => 0;

    protected override async ValueTask<OffsetDeleteResponse?> HandleAsync(RequestContext request, OffsetDeleteRequest body, CancellationToken ct)
    {
        if (!authorizer.AuthorizeGroup(request, AclOperation.Delete, body.GroupId))
            return new OffsetDeleteResponse { ErrorCode = (short)ErrorCode.GroupAuthorizationFailed };
        var wanted = new List<(string, int)>();
        List<OffsetDeleteRequest.OffsetDeleteRequestTopic>? denied = null;
        foreach (var topic in body.Topics)
        {
            if (!authorizer.AuthorizeTopic(request, AclOperation.Read, topic.Name))
            {
                (denied ??= []).Add(topic);
                continue;
            }
            foreach (var partition in topic.Partitions) wanted.Add((topic.Name, partition.PartitionIndex));
        }
        var result = await groups.DeleteOffsetsAsync(body.GroupId, wanted, ct);
        var response = new OffsetDeleteResponse { ErrorCode = (short)result.Error };
        if (result.Error != ErrorCode.None) return response;
        foreach (var topic in denied ?? [])
        {
            var topicResponse = new OffsetDeleteResponse.OffsetDeleteResponseTopic { Name = topic.Name };
            foreach (var partition in topic.Partitions)
                topicResponse.Partitions.Add(new OffsetDeleteResponse.OffsetDeleteResponsePartition
                {
                    PartitionIndex = partition.PartitionIndex,
                    ErrorCode = (short)ErrorCode.TopicAuthorizationFailed,
                });
            response.Topics.Add(topicResponse);
        }
        foreach (var topic in result.Partitions.GroupBy(p => p.Topic))
        {
            var topicResponse = new OffsetDeleteResponse.OffsetDeleteResponseTopic { Name = topic.Key };
            foreach (var p in topic)
                topicResponse.Partitions.Add(new OffsetDeleteResponse.OffsetDeleteResponsePartition { PartitionIndex = p.Partition, ErrorCode = (short)p.Error });
            response.Topics.Add(topicResponse);
        }
        return response;
    }
}
