using Fjord.Broker.Network;
using Fjord.Groups;
using Fjord.Protocol;

namespace Fjord.Broker.Handlers.Groups;

/// <summary>OffsetDelete 0: removes committed offsets of partitions the group no longer consumes.</summary>
public sealed class OffsetDeleteHandler(GroupCoordinator groups) : ApiHandler<OffsetDeleteRequest, OffsetDeleteResponse>
{
    public override ApiKey ApiKey => ApiKey.OffsetDelete;
    public override short MinVersion => 0;
    public override short MaxVersion => 0;

    protected override async ValueTask<OffsetDeleteResponse?> HandleAsync(RequestContext request, OffsetDeleteRequest body, CancellationToken ct)
    {
        var wanted = body.Topics.SelectMany(t => t.Partitions.Select(p => (t.Name, p.PartitionIndex))).ToList();
        var result = await groups.DeleteOffsetsAsync(body.GroupId, wanted, ct);
        var response = new OffsetDeleteResponse { ErrorCode = (short)result.Error };
        if (result.Error != ErrorCode.None) return response;
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
