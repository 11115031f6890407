using Fjord.Broker.Tests.Authorization;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Broker.Tests.Protocol;
using Fjord.Protocol;
using Fjord.Security.Authorization;
using Fjord.Security.Principals;
using Fjord.Security.Tenancy;
using Fjord.Testing;
using static Fjord.Broker.Tests.Tenancy.TenantTesting;

namespace Fjord.Broker.Tests.Tenancy.Groups;

/// <summary>
/// The group and transaction handlers of a real broker, with their tenant rewrites, called by two tenants' admins:
/// a group or transactional id of one name is a different one per tenant, and listings show a tenant its own only.
/// The operator sets up and inspects the stored state over the wire. Each test has tenants of its own.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class TenantGroupHandlerTests : IClassFixture<AuthorizationBrokerFixture>, IAsyncLifetime
{
    private readonly AuthorizationBrokerFixture _fixture;
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));
    private RawKafkaClient _operator = null!;

    public TenantGroupHandlerTests(AuthorizationBrokerFixture fixture) => _fixture = fixture;

    private CancellationToken Ct => _timeout.Token;

    public async Task InitializeAsync() => _operator = await RawKafkaClient.ConnectAsync(_fixture.Cluster.BootstrapServers);

    public async Task DisposeAsync()
    {
        await _operator.DisposeAsync();
        _timeout.Dispose();
    }

    /// <summary>A new tenant whose admin the authorizer lets do anything: what it reaches is the rewrites' doing.</summary>
    private TenantScope NewTenant(string name)
    {
        var tenant = Scope(UniqueId(name));
        var admin = KafkaPrincipal.User(tenant.ToStored("admin"));
        foreach (var type in new[] { ResourceType.Topic, ResourceType.Group, ResourceType.TransactionalId, ResourceType.Cluster })
            _fixture.Authorizer.Allow(admin, AclOperation.All, type);
        return tenant;
    }

    private Task<TResponse> CallAsync<TResponse>(TenantScope tenant, IKafkaMessage request, short version)
        where TResponse : IKafkaMessage, new() =>
        TenantTesting.CallAsync<TResponse>(_fixture.Handlers[request.ApiKey], request, version,
            Session(tenant, _fixture.Cluster.InProcess().AdvertisedListeners[0].Port), Ct);

    [Fact]
    public async Task TwoTenantsGroupsOfOneNameAreDifferentGroupsAndEachListsOnlyItsOwn()
    {
        var acme = NewTenant("acme");
        var globex = NewTenant("globex");
        await RawScenario.CreateTopicAsync(_operator, acme.ToStored("orders"));
        await RawScenario.CreateTopicAsync(_operator, globex.ToStored("orders"));
        // The operator's own "billing", on a topic of acme's: neither tenant may ever see it.
        await GroupApiScenario.CommitAsync(_operator, "billing", acme.ToStored("orders"), (0, 1, null));

        var acmeCommit = await CallAsync<OffsetCommitResponse>(acme, GroupApiScenario.CommitRequest("billing", "orders", [(0, 5, null)]), 9);
        var committed = Assert.Single(acmeCommit.Topics);
        Assert.Equal(("orders", (short)ErrorCode.None), (committed.Name, Assert.Single(committed.Partitions).ErrorCode));
        await CallAsync<OffsetCommitResponse>(globex, GroupApiScenario.CommitRequest("billing", "orders", [(0, 7, null)]), 2);

        Assert.Equal(5, await GroupApiScenario.CommittedOffsetAsync(_operator, acme.ToStored("billing"), acme.ToStored("orders"), 0));
        Assert.Equal(7, await GroupApiScenario.CommittedOffsetAsync(_operator, globex.ToStored("billing"), globex.ToStored("orders"), 0));
        Assert.Equal(1, await GroupApiScenario.CommittedOffsetAsync(_operator, "billing", acme.ToStored("orders"), 0));

        var acmeOffsets = Assert.Single((await CallAsync<OffsetFetchResponse>(acme, new OffsetFetchRequest { Groups = [new() { GroupId = "billing", Topics = null }] }, 9)).Groups);
        Assert.Equal(("billing", (short)ErrorCode.None), (acmeOffsets.GroupId, acmeOffsets.ErrorCode));
        var acmeTopic = Assert.Single(acmeOffsets.Topics);
        Assert.Equal(("orders", 5L), (acmeTopic.Name, Assert.Single(acmeTopic.Partitions).CommittedOffset));
        var globexOffsets = await CallAsync<OffsetFetchResponse>(globex, new OffsetFetchRequest { GroupId = "billing", Topics = [new() { Name = "orders", PartitionIndexes = [0] }] }, 1);
        var globexTopic = Assert.Single(globexOffsets.Topics);
        Assert.Equal(("orders", 7L), (globexTopic.Name, Assert.Single(globexTopic.Partitions).CommittedOffset));

        foreach (var tenant in new[] { acme, globex })
        {
            var listed = await CallAsync<ListGroupsResponse>(tenant, new ListGroupsRequest(), 5);
            Assert.Equal(["billing"], listed.Groups.Select(g => g.GroupId));
            var described = Assert.Single((await CallAsync<DescribeGroupsResponse>(tenant, new DescribeGroupsRequest { Groups = ["billing"] }, 5)).Groups);
            Assert.Equal(("billing", (short)ErrorCode.None, "Empty"), (described.GroupId, described.ErrorCode, described.GroupState));
        }

        var coordinator = Assert.Single((await CallAsync<FindCoordinatorResponse>(acme, new FindCoordinatorRequest { KeyType = 0, CoordinatorKeys = ["billing"] }, 4)).Coordinators);
        Assert.Equal(("billing", (short)ErrorCode.None), (coordinator.Key, coordinator.ErrorCode));
        Assert.Equal((short)ErrorCode.None, (await CallAsync<FindCoordinatorResponse>(acme, new FindCoordinatorRequest { Key = "billing" }, 3)).ErrorCode);

        var deleted = Assert.Single((await CallAsync<DeleteGroupsResponse>(acme, new DeleteGroupsRequest { GroupsNames = ["billing"] }, 2)).Results);
        Assert.Equal(("billing", (short)ErrorCode.None), (deleted.GroupId, deleted.ErrorCode));
        Assert.Empty((await CallAsync<ListGroupsResponse>(acme, new ListGroupsRequest(), 5)).Groups);
        Assert.Equal(7, await GroupApiScenario.CommittedOffsetAsync(_operator, globex.ToStored("billing"), globex.ToStored("orders"), 0));
        Assert.Equal(1, await GroupApiScenario.CommittedOffsetAsync(_operator, "billing", acme.ToStored("orders"), 0));
    }

    [Fact]
    public async Task ATenantsConsumerGroupRunsUnderItsStoredIdWithItsMetadataUntouched()
    {
        var acme = NewTenant("acme");
        var globex = NewTenant("globex");
        // Opaque to the broker: the consumer protocol's subscription, naming the tenant's own topic as the client knows it.
        byte[] subscription = [0, 1, 0, 0, 0, 1, 0, 6, (byte)'o', (byte)'r', (byte)'d', (byte)'e', (byte)'r', (byte)'s', 0, 0, 0, 0];
        byte[] assignment = [0, 1, 0, 0, 0, 1, 0, 6, (byte)'o', (byte)'r', (byte)'d', (byte)'e', (byte)'r', (byte)'s', 0, 0, 0, 1, 0, 0, 0, 0];
        var join = new JoinGroupRequest
        {
            GroupId = "billing",
            MemberId = "",
            ProtocolType = "consumer",
            SessionTimeoutMs = 30_000,
            RebalanceTimeoutMs = 30_000,
            Protocols = [new() { Name = "range", Metadata = subscription }],
        };

        var first = await CallAsync<JoinGroupResponse>(acme, join, 9);
        Assert.Equal((short)ErrorCode.MemberIdRequired, first.ErrorCode);
        join.MemberId = first.MemberId;
        var joined = await CallAsync<JoinGroupResponse>(acme, join, 9);
        Assert.Equal((short)ErrorCode.None, joined.ErrorCode);
        Assert.Equal(joined.MemberId, joined.Leader);
        Assert.Equal(subscription, Assert.Single(joined.Members).Metadata.ToArray());

        var synced = await CallAsync<SyncGroupResponse>(acme, new SyncGroupRequest
        {
            GroupId = "billing",
            GenerationId = joined.GenerationId,
            MemberId = joined.MemberId,
            ProtocolType = "consumer",
            ProtocolName = "range",
            Assignments = [new() { MemberId = joined.MemberId, Assignment = assignment }],
        }, 5);
        Assert.Equal((short)ErrorCode.None, synced.ErrorCode);
        Assert.Equal(assignment, synced.Assignment.ToArray());
        var heartbeat = await CallAsync<HeartbeatResponse>(acme, new HeartbeatRequest { GroupId = "billing", GenerationId = joined.GenerationId, MemberId = joined.MemberId }, 4);
        Assert.Equal((short)ErrorCode.None, heartbeat.ErrorCode);

        var described = Assert.Single((await CallAsync<DescribeGroupsResponse>(acme, new DescribeGroupsRequest { Groups = ["billing"] }, 5)).Groups);
        Assert.Equal(("billing", "Stable"), (described.GroupId, described.GroupState));
        var member = Assert.Single(described.Members);
        Assert.Equal(subscription, member.MemberMetadata.ToArray());
        Assert.Equal(assignment, member.MemberAssignment.ToArray());
        Assert.Single((await GroupApiScenario.DescribeAsync(_operator, acme.ToStored("billing"))).Members);
        Assert.Empty(Assert.Single((await CallAsync<DescribeGroupsResponse>(globex, new DescribeGroupsRequest { Groups = ["billing"] }, 5)).Groups).Members);

        var left = await CallAsync<LeaveGroupResponse>(acme, new LeaveGroupRequest { GroupId = "billing", Members = [new() { MemberId = joined.MemberId }] }, 5);
        Assert.Equal((short)ErrorCode.None, left.ErrorCode);
        Assert.Equal((short)ErrorCode.None, Assert.Single(left.Members).ErrorCode);
        Assert.Empty((await GroupApiScenario.DescribeAsync(_operator, acme.ToStored("billing"))).Members);
    }

    [Fact]
    public async Task ATenantsTransactionCommitsOffsetsOfItsOwnGroup()
    {
        var acme = NewTenant("acme");
        await RawScenario.CreateTopicAsync(_operator, acme.ToStored("orders"));
        var producerId = await InitTransactionalAsync(acme, "tx");

        var added = await CallAsync<AddPartitionsToTxnResponse>(acme, new AddPartitionsToTxnRequest
        {
            V3AndBelowTransactionalId = "tx",
            V3AndBelowProducerId = producerId,
            V3AndBelowProducerEpoch = 0,
            V3AndBelowTopics = [new() { Name = "orders", Partitions = [0] }],
        }, 3);
        var addedTopic = Assert.Single(added.ResultsByTopicV3AndBelow);
        Assert.Equal(("orders", (short)ErrorCode.None), (addedTopic.Name, Assert.Single(addedTopic.ResultsByPartition).PartitionErrorCode));
        var offsets = await CallAsync<AddOffsetsToTxnResponse>(acme, new AddOffsetsToTxnRequest { TransactionalId = "tx", ProducerId = producerId, ProducerEpoch = 0, GroupId = "billing" }, 3);
        Assert.Equal((short)ErrorCode.None, offsets.ErrorCode);

        var ongoing = Assert.Single((await CallAsync<DescribeTransactionsResponse>(acme, new DescribeTransactionsRequest { TransactionalIds = ["tx"] }, 0)).TransactionStates);
        Assert.Equal(("tx", "Ongoing"), (ongoing.TransactionalId, ongoing.TransactionState));
        // The group's __consumer_offsets partition is in the transaction too, but no name of the tenant's.
        Assert.Equal("orders", Assert.Single(ongoing.Topics).Topic);

        var committed = await CallAsync<TxnOffsetCommitResponse>(acme, new TxnOffsetCommitRequest
        {
            TransactionalId = "tx",
            GroupId = "billing",
            ProducerId = producerId,
            ProducerEpoch = 0,
            Topics = [new() { Name = "orders", Partitions = [new() { PartitionIndex = 0, CommittedOffset = 9 }] }],
        }, 3);
        var committedTopic = Assert.Single(committed.Topics);
        Assert.Equal(("orders", (short)ErrorCode.None), (committedTopic.Name, Assert.Single(committedTopic.Partitions).ErrorCode));
        var ended = await CallAsync<EndTxnResponse>(acme, new EndTxnRequest { TransactionalId = "tx", ProducerId = producerId, ProducerEpoch = 0, Committed = true }, 3);
        Assert.Equal((short)ErrorCode.None, ended.ErrorCode);

        // The offset shows once the COMMIT marker reaches the group's offsets partition.
        await Poll.UntilAsync(async () => await GroupApiScenario.CommittedOffsetAsync(_operator, acme.ToStored("billing"), acme.ToStored("orders"), 0) == 9,
            TimeSpan.FromSeconds(60), "the transaction's offset to become visible");
    }

    /// <summary>InitProducerId for a transactional id, retried while its coordinator loads.</summary>
    private async Task<long> InitTransactionalAsync(TenantScope tenant, string transactionalId)
    {
        InitProducerIdResponse response = null!;
        await Poll.UntilAsync(async () =>
        {
            response = await CallAsync<InitProducerIdResponse>(tenant,
                new InitProducerIdRequest { TransactionalId = transactionalId, TransactionTimeoutMs = 60_000, ProducerId = -1, ProducerEpoch = -1 }, 5);
            if (response.ErrorCode == (short)ErrorCode.None) return true;
            Assert.True(response.ErrorCode is (short)ErrorCode.CoordinatorLoadInProgress or (short)ErrorCode.CoordinatorNotAvailable or (short)ErrorCode.NotCoordinator,
                $"InitProducerId: {(ErrorCode)response.ErrorCode}");
            return false;
        }, TimeSpan.FromSeconds(60), "the transaction coordinator to become ready");
        return response.ProducerId;
    }

    [Fact]
    public async Task TwoTenantsTransactionalIdsOfOneNameAreDifferentAndEachListsOnlyItsOwn()
    {
        var acme = NewTenant("acme");
        var globex = NewTenant("globex");

        var acmeProducer = await InitTransactionalAsync(acme, "tx");
        var globexProducer = await InitTransactionalAsync(globex, "tx");
        Assert.NotEqual(acmeProducer, globexProducer);

        foreach (var (tenant, producerId) in new[] { (acme, acmeProducer), (globex, globexProducer) })
        {
            var listed = Assert.Single((await CallAsync<ListTransactionsResponse>(tenant, new ListTransactionsRequest(), 1)).TransactionStates);
            Assert.Equal(("tx", producerId), (listed.TransactionalId, listed.ProducerId));
            var described = Assert.Single((await CallAsync<DescribeTransactionsResponse>(tenant, new DescribeTransactionsRequest { TransactionalIds = ["tx"] }, 0)).TransactionStates);
            Assert.Equal(("tx", producerId, (short)ErrorCode.None), (described.TransactionalId, described.ProducerId, described.ErrorCode));
        }

        var coordinator = Assert.Single((await CallAsync<FindCoordinatorResponse>(acme, new FindCoordinatorRequest { KeyType = 1, CoordinatorKeys = ["tx"] }, 4)).Coordinators);
        Assert.Equal(("tx", (short)ErrorCode.None), (coordinator.Key, coordinator.ErrorCode));

        var idempotent = await CallAsync<InitProducerIdResponse>(acme, new InitProducerIdRequest { TransactionalId = null, ProducerId = -1, ProducerEpoch = -1 }, 5);
        Assert.Equal((short)ErrorCode.None, idempotent.ErrorCode);
    }

    [Fact]
    public async Task ATenantMayNotWriteTransactionMarkersEvenWithClusterAction()
    {
        var acme = NewTenant("acme");
        await RawScenario.CreateTopicAsync(_operator, acme.ToStored("orders"));
        var request = new WriteTxnMarkersRequest
        {
            Markers = [new() { ProducerId = 1, ProducerEpoch = 0, TransactionResult = true, Topics = [new() { Name = "orders", PartitionIndexes = [0] }] }],
        };

        var response = await CallAsync<WriteTxnMarkersResponse>(acme, request, 1);

        var topic = Assert.Single(Assert.Single(response.Markers).Topics);
        Assert.Equal("orders", topic.Name);
        Assert.Equal((short)ErrorCode.ClusterAuthorizationFailed, Assert.Single(topic.Partitions).ErrorCode);
    }
}
