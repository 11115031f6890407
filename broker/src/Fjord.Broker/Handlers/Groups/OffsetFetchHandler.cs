using Fjord.Broker.Network;
using Fjord.Groups;
using Fjord.Protocol;
using Fjord.Security.Authorization;

namespace Fjord.Broker.Handlers.Groups;

/// <summary>
/// OffsetFetch 0–9: one group before v8, several from v8; null topics mean every committed partition (v2+);
/// require_stable (v7+) answers UNSTABLE_OFFSET_COMMIT for partitions an open transaction has an offset for.
/// Authorized as Kafka's handleOffsetFetchRequest: Describe on the group first (else GROUP_AUTHORIZATION_FAILED),
/// then Describe on each topic: a named topic the principal may not Describe answers TOPIC_AUTHORIZATION_FAILED,
/// and an all-topics fetch leaves such topics out.
/// </summary>
public sealed class OffsetFetchHandler(GroupCoordinator groups, IAuthorizer authorizer) : ApiHandler<OffsetFetchRequest, OffsetFetchResponse>
{
    public override ApiKey ApiKey => ApiKey.OffsetFetch;
    public override short MinVersion => 0;
    public override short MaxVersion => 9;

    protected override async ValueTask<OffsetFetchResponse?> HandleAsync(RequestContext request, OffsetFetchRequest body, CancellationToken ct)
    {
        var response = new OffsetFetchResponse();
        if (request.ApiVersion < 8)
        {
            var wanted = body.Topics?.SelectMany(t => t.PartitionIndexes.Select(p => (t.Name, p))).ToList();
            var fetched = await FetchAuthorizedAsync(request, body.GroupId, wanted, request.ApiVersion >= 7 && body.RequireStable, ct);
            response.ErrorCode = (short)fetched.Error;
            foreach (var topic in fetched.Partitions.GroupBy(p => p.Topic))
            {
                var topicResponse = new OffsetFetchResponse.OffsetFetchResponseTopic { Name = topic.Key };
                foreach (var p in topic)
                    topicResponse.Partitions.Add(new OffsetFetchResponse.OffsetFetchResponsePartition
                    {
                        PartitionIndex = p.Partition,
                        CommittedOffset = p.Offset,
                        CommittedLeaderEpoch = p.LeaderEpoch,
                        Metadata = p.Metadata,
                        ErrorCode = (short)p.Error,
                    });
                response.Topics.Add(topicResponse);
            }
            // Before v2 a group-level error can only travel in each partition.
            if (request.ApiVersion < 2 && fetched.Error != ErrorCode.None)
                foreach (var p in response.Topics.SelectMany(t => t.Partitions)) p.ErrorCode = (short)fetched.Error;
            return response;
        }

        foreach (var group in body.Groups)
        {
            var wanted = group.Topics?.SelectMany(t => t.PartitionIndexes.Select(p => (t.Name, p))).ToList();
            var fetched = await FetchAuthorizedAsync(request, group.GroupId, wanted, body.RequireStable, ct);
            var groupResponse = new OffsetFetchResponse.OffsetFetchResponseGroup { GroupId = group.GroupId, ErrorCode = (short)fetched.Error };
            foreach (var topic in fetched.Partitions.GroupBy(p => p.Topic))
            {
                var topicResponse = new OffsetFetchResponse.OffsetFetchResponseTopics { Name = topic.Key };
                foreach (var p in topic)
                    topicResponse.Partitions.Add(new OffsetFetchResponse.OffsetFetchResponsePartitions
                    {
                        PartitionIndex = p.Partition,
                        CommittedOffset = p.Offset,
                        CommittedLeaderEpoch = p.LeaderEpoch,
                        Metadata = p.Metadata,
                        ErrorCode = (short)p.Error,
                    });
                groupResponse.Topics.Add(topicResponse);
            }
            response.Groups.Add(groupResponse);
        }
        return response;
    }

    private async Task<OffsetFetchResult> FetchAuthorizedAsync(RequestContext request, string groupId, List<(string Topic, int Partition)>? wanted, bool requireStable, CancellationToken ct)
    {
        if (!authorizer.AuthorizeGroup(request, AclOperation.Describe, groupId))
        {
            // Before v2 the error can only travel in each requested partition; later versions carry it once.
            IReadOnlyList<FetchedOffset> partitions = request.ApiVersion < 2 && wanted is not null
                ? [.. wanted.Select(w => Denied(w.Topic, w.Partition, ErrorCode.GroupAuthorizationFailed))] : [];
            return new OffsetFetchResult(ErrorCode.GroupAuthorizationFailed, partitions);
        }

        if (wanted is null)
        {
            var all = await groups.FetchOffsetsAsync(groupId, null, requireStable, ct);
            if (all.Error != ErrorCode.None) return all;
            return all with { Partitions = [.. all.Partitions.Where(p => authorizer.AuthorizeTopic(request, AclOperation.Describe, p.Topic))] };
        }

        var allowed = new List<(string, int)>(wanted.Count);
        List<FetchedOffset>? denied = null;
        string? lastTopic = null;
        var lastAllowed = false;
        foreach (var (topic, partition) in wanted)
        {
            if (!string.Equals(topic, lastTopic, StringComparison.Ordinal))
            {
                lastTopic = topic;
                lastAllowed = authorizer.AuthorizeTopic(request, AclOperation.Describe, topic);
            }
            if (lastAllowed) allowed.Add((topic, partition));
            else (denied ??= []).Add(Denied(topic, partition, ErrorCode.TopicAuthorizationFailed));
        }
        var fetched = await groups.FetchOffsetsAsync(groupId, allowed, requireStable, ct);
        if (denied is null || fetched.Error != ErrorCode.None) return fetched;
        return fetched with { Partitions = [.. fetched.Partitions, .. denied] };
    }

    /// <summary>Kafka's error partition: INVALID_OFFSET, no leader epoch, no metadata.</summary>
    private static FetchedOffset Denied(string topic, int partition, ErrorCode error) => new(topic, partition, -1, -1, "", error);
}
