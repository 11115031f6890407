using Fjord.Broker.Network;
using Fjord.Groups;
using Fjord.Protocol;

namespace Fjord.Broker.Handlers.Groups;

/// <summary>
/// OffsetFetch 0–9: one group before v8, several from v8; null topics mean every committed partition (v2+);
/// require_stable (v7+) answers UNSTABLE_OFFSET_COMMIT for partitions an open transaction has an offset for.
/// </summary>
public sealed class OffsetFetchHandler(GroupCoordinator groups) : ApiHandler<OffsetFetchRequest, OffsetFetchResponse>
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
            var fetched = await groups.FetchOffsetsAsync(body.GroupId, wanted, request.ApiVersion >= 7 && body.RequireStable, ct);
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
            var fetched = await groups.FetchOffsetsAsync(group.GroupId, wanted, body.RequireStable, ct);
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
}
