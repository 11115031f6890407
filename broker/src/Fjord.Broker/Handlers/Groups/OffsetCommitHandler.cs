using Fjord.Broker.Network;
using Fjord.Cluster;
using Fjord.Groups;
using Fjord.Protocol;
using Fjord.Security.Authorization;

namespace Fjord.Broker.Handlers.Groups;

/// <summary>
/// OffsetCommit 0–9. The response is sent only after the offsets are durable in Table
/// storage. Partitions of unknown topics are refused per partition, as Kafka does. Authorized as Kafka's
/// handleOffsetCommitRequest: Read on the group first (else every partition GROUP_AUTHORIZATION_FAILED), then
/// Read on each topic (TOPIC_AUTHORIZATION_FAILED, decided before the topic is looked up).
/// </summary>
public sealed class OffsetCommitHandler(MetadataCache metadata, GroupCoordinator groups, IAuthorizer authorizer) : ApiHandler<OffsetCommitRequest, OffsetCommitResponse>
{
    public override ApiKey ApiKey => ApiKey.OffsetCommit;
    public override short MinVersion => 0;
    public override short MaxVersion => 9;

    protected override async ValueTask<OffsetCommitResponse?> HandleAsync(RequestContext request, OffsetCommitRequest body, CancellationToken ct)
    {
        var snapshot = metadata.Current;
        var response = new OffsetCommitResponse();
        var entries = new List<OffsetCommitEntry>();
        var results = new Dictionary<(string, int), OffsetCommitResponse.OffsetCommitResponsePartition>();
        var groupAllowed = authorizer.AuthorizeGroup(request, AclOperation.Read, body.GroupId);
        foreach (var topic in body.Topics)
        {
            var topicResponse = new OffsetCommitResponse.OffsetCommitResponseTopic { Name = topic.Name };
            response.Topics.Add(topicResponse);
            var denied = !groupAllowed ? ErrorCode.GroupAuthorizationFailed
                : !authorizer.AuthorizeTopic(request, AclOperation.Read, topic.Name) ? ErrorCode.TopicAuthorizationFailed : ErrorCode.None;
            TopicMetadata? metadata = null;
            if (denied == ErrorCode.None) snapshot.TopicsByName.TryGetValue(topic.Name, out metadata);
            foreach (var partition in topic.Partitions)
            {
                var result = new OffsetCommitResponse.OffsetCommitResponsePartition { PartitionIndex = partition.PartitionIndex };
                topicResponse.Partitions.Add(result);
                if (denied != ErrorCode.None)
                {
                    result.ErrorCode = (short)denied;
                    continue;
                }
                if (metadata is null || partition.PartitionIndex < 0 || partition.PartitionIndex >= metadata.PartitionCount)
                {
                    result.ErrorCode = (short)ErrorCode.UnknownTopicOrPartition;
                    continue;
                }
                results[(topic.Name, partition.PartitionIndex)] = result;
                entries.Add(new OffsetCommitEntry(topic.Name, partition.PartitionIndex, partition.CommittedOffset,
                    request.ApiVersion >= 6 ? partition.CommittedLeaderEpoch : -1, partition.CommittedMetadata));
            }
        }
        if (entries.Count == 0) return response;

        // v0 has no generation or member: a "simple" commit, as are commits with generation -1.
        var generation = request.ApiVersion >= 1 ? body.GenerationIdOrMemberEpoch : -1;
        var memberId = request.ApiVersion >= 1 ? body.MemberId : "";
        var committed = await groups.CommitOffsetsAsync(body.GroupId, generation, memberId,
            request.ApiVersion >= 7 ? body.GroupInstanceId : null, entries, ct);
        foreach (var partition in committed.Partitions)
            if (results.TryGetValue((partition.Topic, partition.Partition), out var result))
                result.ErrorCode = (short)partition.Error;
        return response;
    }
}
