using Fjord.Broker.Admin;
using Fjord.Broker.Configuration;
using Fjord.Broker.Fetch;
using Fjord.Broker.Handlers;
using Fjord.Broker.Handlers.Acls;
using Fjord.Broker.Handlers.Groups;
using Fjord.Broker.Handlers.Quotas;
using Fjord.Broker.Handlers.Security;
using Fjord.Broker.Handlers.Transactions;
using Fjord.Broker.Membership;
using Fjord.Broker.Metadata;
using Fjord.Broker.Network;
using Fjord.Broker.Observability;
using Fjord.Broker.Partitions;
using Fjord.Broker.Producers;
using Fjord.Broker.Quotas;
using Fjord.Broker.Replicas;
using Fjord.Broker.Security;
using Fjord.Broker.Tenancy;
using Fjord.Broker.Tenancy.Storage;
using Fjord.Broker.Transactions;
using Fjord.Cluster;
using Fjord.Groups;
using Fjord.Security.Authorization;
using Fjord.Security.Quotas;
using Fjord.Tiering;
using Microsoft.Extensions.Logging;

namespace Fjord.Broker;

/// <summary>
/// Every API this broker serves, each handler built with exactly what it uses. ApiVersions
/// advertises exactly this list. Every handler but ApiVersions (which runs before authentication) asks
/// <paramref name="authorizer"/> what security.html lists for its API.
/// </summary>
public static class HandlerCatalog
{
    public static IReadOnlyList<ApiHandler> Create(BrokerConfig config, IMetadataStore store, MetadataCache metadata, ReplicaManager replicas,
        FetchSessionCache fetchSessions, GroupCoordinator groups, GroupCoordinatorLocator coordinators, ActiveController controller,
        AdvertisedListeners advertised, RemoteLogManager tiering, ProducerIdManager producerIds, TransactionServices transactions, BrokerSecurity security, TimeProvider time, ILoggerFactory loggers,
        IAuthorizer? authorizer = null, BrokerQuotas? quotas = null, TenantStorageUsage? tenantStorage = null, BrokerTopicMetrics? topicMetrics = null)
    {
        ArgumentNullException.ThrowIfNull(loggers);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(security);
        // Tests ask a second set of handlers over the same components with an authorizer of their own.
        authorizer ??= security.Authorizer;
        ArgumentNullException.ThrowIfNull(authorizer);
        var handlers = new List<ApiHandler>();
        var admin = new TopicAdmin(config, store, metadata, replicas, tiering, controller, time, new TenantTopicLimits(security.Tenants, metadata));
        var brokers = new ClusterBrokers(config.NodeId, config.Rack, advertised);

        handlers.Add(new ApiVersionsHandler(() => handlers));
        handlers.Add(new MetadataHandler(metadata, brokers, new MetadataTopics(brokers), new AutoTopicCreationManager(admin, metadata, config.AutoCreateTopicsEnable), authorizer));
        handlers.Add(new ProduceHandler(metadata, replicas, transactions.Verifier, authorizer, tenantStorage));
        handlers.Add(new InitProducerIdHandler(producerIds, transactions.Coordinator, authorizer));
        handlers.Add(new FetchHandler(fetchSessions, metadata, replicas, authorizer, topicMetrics));
        handlers.Add(new ListOffsetsHandler(metadata, replicas, authorizer));
        handlers.Add(new CreateTopicsHandler(admin, config, time, authorizer));
        handlers.Add(new DeleteTopicsHandler(metadata, store, admin, authorizer));
        handlers.Add(new CreatePartitionsHandler(metadata, admin, time, authorizer));
        handlers.Add(new DescribeConfigsHandler(store, new ConfigHelper(config), config.NodeId, authorizer));
        handlers.Add(new AlterConfigsHandler(admin, authorizer));
        handlers.Add(new IncrementalAlterConfigsHandler(admin, config, authorizer));
        handlers.Add(new DeleteRecordsHandler(metadata, replicas, authorizer));
        handlers.Add(new OffsetForLeaderEpochHandler(metadata, replicas, authorizer));
        handlers.Add(new DescribeClusterHandler(metadata, brokers, authorizer));
        handlers.Add(new DescribeProducersHandler(metadata, replicas, authorizer));
        handlers.Add(new ElectLeadersHandler(controller, authorizer));
        handlers.Add(new AlterPartitionReassignmentsHandler(controller, authorizer));
        handlers.Add(new ListPartitionReassignmentsHandler(controller, authorizer));
        handlers.Add(new FindCoordinatorHandler(metadata, brokers, coordinators, transactions.Locator, controller, authorizer));
        handlers.Add(new JoinGroupHandler(groups, authorizer));
        handlers.Add(new SyncGroupHandler(groups, authorizer));
        handlers.Add(new HeartbeatHandler(groups, authorizer));
        handlers.Add(new LeaveGroupHandler(groups, authorizer));
        handlers.Add(new OffsetCommitHandler(metadata, groups, authorizer));
        handlers.Add(new OffsetFetchHandler(groups, authorizer));
        handlers.Add(new OffsetDeleteHandler(groups, authorizer));
        handlers.Add(new ListGroupsHandler(groups, authorizer));
        handlers.Add(new DescribeGroupsHandler(groups, authorizer));
        handlers.Add(new DeleteGroupsHandler(groups, authorizer));
        handlers.Add(new AddPartitionsToTxnHandler(metadata, transactions.Coordinator, authorizer));
        handlers.Add(new AddOffsetsToTxnHandler(transactions.Coordinator, authorizer));
        handlers.Add(new EndTxnHandler(transactions.Coordinator, authorizer));
        handlers.Add(new TxnOffsetCommitHandler(metadata, groups, coordinators, transactions.Verifier, authorizer));
        handlers.Add(new WriteTxnMarkersHandler(transactions.Markers, authorizer));
        handlers.Add(new DescribeTransactionsHandler(transactions.Coordinator, authorizer));
        handlers.Add(new ListTransactionsHandler(transactions.Coordinator, authorizer));
        // Advertised always, as in Kafka; without an authorizer they answer SECURITY_DISABLED.
        handlers.Add(new CreateAclsHandler(security.AclStore, security.AclCache, authorizer));
        handlers.Add(new DescribeAclsHandler(security.AclStore, authorizer));
        handlers.Add(new DeleteAclsHandler(security.AclStore, security.AclCache, authorizer));
        handlers.Add(new SaslHandshakeHandler());
        handlers.Add(new SaslAuthenticateHandler(time));
        handlers.Add(new DescribeUserScramCredentialsHandler(security.ScramStore, authorizer));
        handlers.Add(new AlterUserScramCredentialsHandler(security.ScramStore, security.ScramCache, authorizer));
        // Without the broker's quotas (handler tests), the quota APIs keep theirs in memory and nothing is enforced.
        quotas ??= new BrokerQuotas(new InMemoryClientQuotaStore(), null, new QuotaConfig(), () => 1, time, loggers);
        handlers.Add(new DescribeClientQuotasHandler(quotas.Store, authorizer));
        handlers.Add(new AlterClientQuotasHandler(quotas.Store, quotas.Cache, authorizer));
        quotas.Attach(handlers);
        TenantRewrites.Attach(handlers, new TenantRewriteServices(metadata));
        return handlers;
    }
}
