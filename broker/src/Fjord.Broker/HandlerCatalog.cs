using Fjord.Broker.Admin;
using Fjord.Broker.Configuration;
using Fjord.Broker.Fetch;
using Fjord.Broker.Handlers;
using Fjord.Broker.Handlers.Groups;
using Fjord.Broker.Handlers.Security;
using Fjord.Broker.Handlers.Transactions;
using Fjord.Broker.Membership;
using Fjord.Broker.Metadata;
using Fjord.Broker.Network;
using Fjord.Broker.Partitions;
using Fjord.Broker.Producers;
using Fjord.Broker.Replicas;
using Fjord.Broker.Security;
using Fjord.Broker.Transactions;
using Fjord.Cluster;
using Fjord.Groups;
using Fjord.Tiering;
using Microsoft.Extensions.Logging;

namespace Fjord.Broker;

/// <summary>
/// Every API this broker serves, each handler built with exactly what it uses. ApiVersions
/// advertises exactly this list.
/// </summary>
public static class HandlerCatalog
{
    public static IReadOnlyList<ApiHandler> Create(BrokerConfig config, IMetadataStore store, MetadataCache metadata, ReplicaManager replicas,
        FetchSessionCache fetchSessions, GroupCoordinator groups, GroupCoordinatorLocator coordinators, ActiveController controller,
        AdvertisedListeners advertised, RemoteLogManager tiering, ProducerIdManager producerIds, TransactionServices transactions, BrokerSecurity security, TimeProvider time, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(loggers);
        ArgumentNullException.ThrowIfNull(config);
        var handlers = new List<ApiHandler>();
        var admin = new TopicAdmin(config, store, metadata, replicas, tiering, controller, time);
        var brokers = new ClusterBrokers(config.NodeId, config.Rack, advertised);

        handlers.Add(new ApiVersionsHandler(() => handlers));
        handlers.Add(new MetadataHandler(metadata, brokers, new MetadataTopics(brokers), new AutoTopicCreationManager(admin, metadata, config.AutoCreateTopicsEnable)));
        handlers.Add(new ProduceHandler(metadata, replicas, transactions.Verifier));
        handlers.Add(new InitProducerIdHandler(producerIds, transactions.Coordinator));
        handlers.Add(new FetchHandler(fetchSessions, metadata, replicas));
        handlers.Add(new ListOffsetsHandler(metadata, replicas));
        handlers.Add(new CreateTopicsHandler(admin, config, time));
        handlers.Add(new DeleteTopicsHandler(metadata, store, admin));
        handlers.Add(new CreatePartitionsHandler(metadata, admin, time));
        handlers.Add(new DescribeConfigsHandler(store, new ConfigHelper(config), config.NodeId));
        handlers.Add(new AlterConfigsHandler(admin));
        handlers.Add(new IncrementalAlterConfigsHandler(admin, config));
        handlers.Add(new DeleteRecordsHandler(metadata, replicas));
        handlers.Add(new OffsetForLeaderEpochHandler(metadata, replicas));
        handlers.Add(new DescribeClusterHandler(metadata, brokers));
        handlers.Add(new DescribeProducersHandler(metadata, replicas));
        handlers.Add(new ElectLeadersHandler(controller));
        handlers.Add(new AlterPartitionReassignmentsHandler(controller));
        handlers.Add(new ListPartitionReassignmentsHandler(controller));
        handlers.Add(new FindCoordinatorHandler(metadata, brokers, coordinators, transactions.Locator, controller));
        handlers.Add(new JoinGroupHandler(groups));
        handlers.Add(new SyncGroupHandler(groups));
        handlers.Add(new HeartbeatHandler(groups));
        handlers.Add(new LeaveGroupHandler(groups));
        handlers.Add(new OffsetCommitHandler(metadata, groups));
        handlers.Add(new OffsetFetchHandler(groups));
        handlers.Add(new OffsetDeleteHandler(groups));
        handlers.Add(new ListGroupsHandler(groups));
        handlers.Add(new DescribeGroupsHandler(groups));
        handlers.Add(new DeleteGroupsHandler(groups));
        handlers.Add(new AddPartitionsToTxnHandler(metadata, transactions.Coordinator));
        handlers.Add(new AddOffsetsToTxnHandler(transactions.Coordinator));
        handlers.Add(new EndTxnHandler(transactions.Coordinator));
        handlers.Add(new TxnOffsetCommitHandler(metadata, groups, coordinators, transactions.Verifier));
        handlers.Add(new WriteTxnMarkersHandler(transactions.Markers));
        handlers.Add(new DescribeTransactionsHandler(transactions.Coordinator));
        handlers.Add(new ListTransactionsHandler(transactions.Coordinator));
        handlers.Add(new SaslHandshakeHandler());
        handlers.Add(new SaslAuthenticateHandler(time));
        handlers.Add(new DescribeUserScramCredentialsHandler(security.ScramStore, security.Authorizer));
        handlers.Add(new AlterUserScramCredentialsHandler(security.ScramStore, security.ScramCache, security.Authorizer));
        return handlers;
    }
}
