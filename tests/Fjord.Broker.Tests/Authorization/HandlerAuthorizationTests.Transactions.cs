using Fjord.Broker.Tests.Protocol;
using Fjord.Protocol;
using Fjord.Security.Authorization;

namespace Fjord.Broker.Tests.Authorization;

/// <summary>Producer ids and transactions.</summary>
public sealed partial class HandlerAuthorizationTests
{
    [Fact]
    public async Task AnIdempotentProducerNeedsIdempotentWriteOrWriteOnAnyTopic()
    {
        var request = new InitProducerIdRequest { TransactionalId = null, TransactionTimeoutMs = 60_000, ProducerId = -1, ProducerEpoch = -1 };

        var denied = await CallAsync<InitProducerIdResponse>(request, 5);
        AssertError(ErrorCode.ClusterAuthorizationFailed, denied.ErrorCode);
        Assert.Equal(-1, denied.ProducerId);

        // KIP-679: Write on any topic is enough.
        Grant(AclOperation.Write, ResourceType.Topic, Name("authz-any-topic"));
        AssertError(ErrorCode.None, (await CallAsync<InitProducerIdResponse>(request, 5)).ErrorCode);
        Acls.Clear();
        GrantCluster(AclOperation.IdempotentWrite);
        AssertError(ErrorCode.None, (await CallAsync<InitProducerIdResponse>(request, 5)).ErrorCode);
    }

    [Fact]
    public async Task ATransactionalProducerNeedsWriteOnItsTransactionalId()
    {
        var transactionalId = Name("authz-init-txn");
        var request = new InitProducerIdRequest { TransactionalId = transactionalId, TransactionTimeoutMs = 60_000, ProducerId = -1, ProducerEpoch = -1 };

        Grant(AclOperation.Describe, ResourceType.TransactionalId, transactionalId);
        GrantCluster(AclOperation.IdempotentWrite);
        AssertError(ErrorCode.TransactionalIdAuthorizationFailed, (await CallAsync<InitProducerIdResponse>(request, 5)).ErrorCode);

        Grant(AclOperation.Write, ResourceType.TransactionalId, transactionalId);
        Assert.NotEqual((short)ErrorCode.TransactionalIdAuthorizationFailed, (await CallAsync<InitProducerIdResponse>(request, 5)).ErrorCode);
    }

    [Fact]
    public async Task TransactionalRecordsWithoutWriteOnTheTransactionalIdAreNotAppended()
    {
        var topic = Name("authz-txn-produce");
        await RawScenario.CreateTopicAsync(_admin, topic);
        var transactionalId = Name("authz-txn-produce-id");
        Grant(AclOperation.Write, ResourceType.Topic, topic);
        var request = RawScenario.ProduceRequestFor(topic, 0, TransactionScenario.TransactionalBatch(1000, 0, 0, 2, "t"));
        request.TransactionalId = transactionalId;

        var denied = Assert.Single(Assert.Single((await CallAsync<ProduceResponse>(request, 11)).Responses).PartitionResponses);
        AssertError(ErrorCode.TransactionalIdAuthorizationFailed, denied.ErrorCode);
        Assert.Equal(0, RawScenario.LogEndOffset(Host, topic, 0));
    }

    [Fact]
    public async Task AddPartitionsToTxnNeedsWriteOnTheTransactionalIdAndEachTopic()
    {
        var allowed = Name("authz-apt-ok");
        var denied = Name("authz-apt-no");
        await RawScenario.CreateTopicAsync(_admin, allowed);
        await RawScenario.CreateTopicAsync(_admin, denied);
        var transactionalId = Name("authz-apt-id");
        var request = TransactionScenario.AddPartitionsRequest(transactionalId, 1000, 0, allowed, 0);
        request.V3AndBelowTopics.Add(new AddPartitionsToTxnRequest.AddPartitionsToTxnTopic { Name = denied, Partitions = [0] });

        var noId = await CallAsync<AddPartitionsToTxnResponse>(request, 3);
        Assert.All(noId.ResultsByTopicV3AndBelow.SelectMany(t => t.ResultsByPartition), p => AssertError(ErrorCode.TransactionalIdAuthorizationFailed, p.PartitionErrorCode));

        Grant(AclOperation.Write, ResourceType.TransactionalId, transactionalId);
        Grant(AclOperation.Write, ResourceType.Topic, allowed);
        var noTopic = await CallAsync<AddPartitionsToTxnResponse>(request, 3);
        AssertError(ErrorCode.OperationNotAttempted, Assert.Single(noTopic.ResultsByTopicV3AndBelow.Single(t => t.Name == allowed).ResultsByPartition).PartitionErrorCode);
        AssertError(ErrorCode.TopicAuthorizationFailed, Assert.Single(noTopic.ResultsByTopicV3AndBelow.Single(t => t.Name == denied).ResultsByPartition).PartitionErrorCode);

        // The broker-to-broker form (v4+) is for brokers only.
        var batched = new AddPartitionsToTxnRequest
        {
            Transactions = [new() { TransactionalId = transactionalId, ProducerId = 1000, ProducerEpoch = 0, VerifyOnly = true, Topics = [new() { Name = allowed, Partitions = [0] }] }],
        };
        var fromClient = await CallAsync<AddPartitionsToTxnResponse>(batched, 5);
        AssertError(ErrorCode.ClusterAuthorizationFailed, fromClient.ErrorCode);
        Assert.Empty(fromClient.ResultsByTransaction);
    }

    [Fact]
    public async Task AddOffsetsToTxnNeedsWriteOnTheTransactionalIdThenReadOnTheGroup()
    {
        var transactionalId = Name("authz-aot-id");
        var group = Name("authz-aot-group");
        var request = new AddOffsetsToTxnRequest { TransactionalId = transactionalId, ProducerId = 1000, ProducerEpoch = 0, GroupId = group };

        AssertError(ErrorCode.TransactionalIdAuthorizationFailed, (await CallAsync<AddOffsetsToTxnResponse>(request, 4)).ErrorCode);
        Grant(AclOperation.Write, ResourceType.TransactionalId, transactionalId);
        AssertError(ErrorCode.GroupAuthorizationFailed, (await CallAsync<AddOffsetsToTxnResponse>(request, 4)).ErrorCode);
        Grant(AclOperation.Read, ResourceType.Group, group);
        var allowed = (await CallAsync<AddOffsetsToTxnResponse>(request, 4)).ErrorCode;
        Assert.True(allowed is not ((short)ErrorCode.TransactionalIdAuthorizationFailed or (short)ErrorCode.GroupAuthorizationFailed), $"{(ErrorCode)allowed}");
    }

    [Fact]
    public async Task EndTxnNeedsWriteOnTheTransactionalId()
    {
        var transactionalId = Name("authz-end-id");
        var request = new EndTxnRequest { TransactionalId = transactionalId, ProducerId = 1000, ProducerEpoch = 0, Committed = true };

        Grant(AclOperation.Describe, ResourceType.TransactionalId, transactionalId);
        var denied = await CallAsync<EndTxnResponse>(request, 5);
        AssertError(ErrorCode.TransactionalIdAuthorizationFailed, denied.ErrorCode);
        Assert.Equal(-1, denied.ProducerId);
        Grant(AclOperation.Write, ResourceType.TransactionalId, transactionalId);
        Assert.NotEqual((short)ErrorCode.TransactionalIdAuthorizationFailed, (await CallAsync<EndTxnResponse>(request, 5)).ErrorCode);
    }

    [Fact]
    public async Task TxnOffsetCommitChecksTheTransactionalIdThenTheGroupThenEachTopic()
    {
        var topic = Name("authz-toc");
        await RawScenario.CreateTopicAsync(_admin, topic);
        var transactionalId = Name("authz-toc-id");
        var group = Name("authz-toc-group");
        var request = new TxnOffsetCommitRequest
        {
            TransactionalId = transactionalId,
            GroupId = group,
            ProducerId = 1000,
            ProducerEpoch = 0,
            Topics = [new() { Name = topic, Partitions = [new() { PartitionIndex = 0, CommittedOffset = 3, CommittedLeaderEpoch = -1 }] }],
        };
        short Single(TxnOffsetCommitResponse response) => Assert.Single(Assert.Single(response.Topics).Partitions).ErrorCode;

        AssertError(ErrorCode.TransactionalIdAuthorizationFailed, Single(await CallAsync<TxnOffsetCommitResponse>(request, 3)));
        Grant(AclOperation.Write, ResourceType.TransactionalId, transactionalId);
        AssertError(ErrorCode.GroupAuthorizationFailed, Single(await CallAsync<TxnOffsetCommitResponse>(request, 3)));
        Grant(AclOperation.Read, ResourceType.Group, group);
        AssertError(ErrorCode.TopicAuthorizationFailed, Single(await CallAsync<TxnOffsetCommitResponse>(request, 3)));
        Grant(AclOperation.Read, ResourceType.Topic, topic);
        Assert.NotEqual((short)ErrorCode.TopicAuthorizationFailed, Single(await CallAsync<TxnOffsetCommitResponse>(request, 3)));
    }

    [Fact]
    public async Task OnlyABrokerMayWriteTransactionMarkers()
    {
        var topic = Name("authz-markers");
        await RawScenario.CreateTopicAsync(_admin, topic);
        var request = new WriteTxnMarkersRequest
        {
            Markers = [new() { ProducerId = 4242, ProducerEpoch = 0, TransactionResult = false, CoordinatorEpoch = 0, Topics = [new() { Name = topic, PartitionIndexes = [0] }] }],
        };

        GrantCluster(AclOperation.Alter);
        Grant(AclOperation.Write, ResourceType.Topic, topic);
        var denied = Assert.Single(Assert.Single(Assert.Single((await CallAsync<WriteTxnMarkersResponse>(request, 1)).Markers).Topics).Partitions);
        AssertError(ErrorCode.ClusterAuthorizationFailed, denied.ErrorCode);
        Assert.Equal(0, RawScenario.LogEndOffset(Host, topic, 0));

        GrantCluster(AclOperation.ClusterAction);
        var allowed = Assert.Single(Assert.Single(Assert.Single((await CallAsync<WriteTxnMarkersResponse>(request, 1)).Markers).Topics).Partitions);
        Assert.NotEqual((short)ErrorCode.ClusterAuthorizationFailed, allowed.ErrorCode);
    }

    [Fact]
    public async Task DescribeAndListTransactionsShowOnlyDescribableTransactionalIds()
    {
        var topic = Name("authz-txn-list");
        await RawScenario.CreateTopicAsync(_admin, topic);
        var transactionalId = Name("authz-txn-list-id");
        var (producerId, epoch) = await TransactionScenario.InitAsync(_admin, transactionalId);
        await TransactionScenario.AddPartitionsOkAsync(_admin, transactionalId, producerId, epoch, topic, 0);
        var describe = new DescribeTransactionsRequest { TransactionalIds = [transactionalId] };

        var denied = Assert.Single((await CallAsync<DescribeTransactionsResponse>(describe, 0)).TransactionStates);
        AssertError(ErrorCode.TransactionalIdAuthorizationFailed, denied.ErrorCode);
        Assert.Empty(denied.Topics);
        Assert.DoesNotContain((await CallAsync<ListTransactionsResponse>(new ListTransactionsRequest(), 1)).TransactionStates, t => t.TransactionalId == transactionalId);

        // The transaction's topics are shown only where the principal may Describe them.
        Grant(AclOperation.Describe, ResourceType.TransactionalId, transactionalId);
        var described = Assert.Single((await CallAsync<DescribeTransactionsResponse>(describe, 0)).TransactionStates);
        AssertError(ErrorCode.None, described.ErrorCode);
        Assert.Equal("Ongoing", described.TransactionState);
        Assert.Empty(described.Topics);
        Assert.Contains((await CallAsync<ListTransactionsResponse>(new ListTransactionsRequest(), 1)).TransactionStates, t => t.TransactionalId == transactionalId);

        Grant(AclOperation.Describe, ResourceType.Topic, topic);
        Assert.Equal(topic, Assert.Single(Assert.Single((await CallAsync<DescribeTransactionsResponse>(describe, 0)).TransactionStates).Topics).Topic);
        AssertError(ErrorCode.None, (await TransactionScenario.EndAsync(_admin, transactionalId, producerId, epoch, commit: false)).ErrorCode);
    }
}
