using Fjord.Broker.Handlers.Groups;
using Fjord.Broker.Server;
using Fjord.Groups;

namespace Fjord.Broker.Handlers;

/// <summary>Every API this broker serves. ApiVersions advertises exactly this list.</summary>
public static class HandlerCatalog
{
    public static IReadOnlyList<ApiHandler> Create(BrokerContext context)
    {
        var handlers = new List<ApiHandler>();
        var admin = new TopicAdmin(context);

        handlers.Add(new ApiVersionsHandler(() => handlers));
        handlers.Add(new MetadataHandler(context, admin));
        handlers.Add(new ProduceHandler(context));
        handlers.Add(new FetchHandler(context));
        handlers.Add(new ListOffsetsHandler(context));
        handlers.Add(new CreateTopicsHandler(context, admin));
        handlers.Add(new DeleteTopicsHandler(context, admin));
        handlers.Add(new CreatePartitionsHandler(context, admin));
        handlers.Add(new DescribeConfigsHandler(context));
        handlers.Add(new AlterConfigsHandler(admin));
        handlers.Add(new IncrementalAlterConfigsHandler(context, admin));
        handlers.Add(new DeleteRecordsHandler(context));
        handlers.Add(new OffsetForLeaderEpochHandler(context));
        handlers.Add(new DescribeClusterHandler(context));
        handlers.Add(new ElectLeadersHandler(context));
        handlers.Add(new AlterPartitionReassignmentsHandler(context));
        handlers.Add(new ListPartitionReassignmentsHandler(context));
        handlers.Add(new FindCoordinatorHandler(context, context.Coordinators));
        handlers.Add(new JoinGroupHandler(context));
        handlers.Add(new SyncGroupHandler(context));
        handlers.Add(new HeartbeatHandler(context));
        handlers.Add(new LeaveGroupHandler(context));
        handlers.Add(new OffsetCommitHandler(context));
        handlers.Add(new OffsetFetchHandler(context));
        handlers.Add(new OffsetDeleteHandler(context));
        handlers.Add(new ListGroupsHandler(context));
        handlers.Add(new DescribeGroupsHandler(context));
        handlers.Add(new DeleteGroupsHandler(context));
        return handlers;
    }
}
