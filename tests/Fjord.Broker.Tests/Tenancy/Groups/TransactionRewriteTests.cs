using Fjord.Broker.Tenancy.Groups;
using Fjord.Protocol;
using static Fjord.Broker.Tests.Tenancy.TenantTesting;

namespace Fjord.Broker.Tests.Tenancy.Groups;

/// <summary>The transaction APIs' rewrites on request and response objects.</summary>
public sealed class TransactionRewriteTests
{
    private static readonly Fjord.Security.Tenancy.TenantScope Acme = Scope("acme");

    [Fact]
    public void InitProducerIdStoresATransactionalIdAndLeavesAnIdempotentProducersNull()
    {
        var transactional = new InitProducerIdRequest { TransactionalId = "tx" };
        InitProducerIdRewrite.Instance.ToStored(Acme, Context(ApiKey.InitProducerId, 5, Acme), transactional);
        Assert.Equal("acme.tx", transactional.TransactionalId);

        var idempotent = new InitProducerIdRequest { TransactionalId = null };
        Assert.Null(InitProducerIdRewrite.Instance.ToStored(Acme, Context(ApiKey.InitProducerId, 5, Acme), idempotent));
        Assert.Null(idempotent.TransactionalId);
    }

    [Fact]
    public void AddPartitionsToTxnFromAClientStoresItsIdAndTopics()
    {
        var request = new AddPartitionsToTxnRequest { V3AndBelowTransactionalId = "tx", V3AndBelowTopics = [new() { Name = "orders", Partitions = [0] }] };
        var context = Context(ApiKey.AddPartitionsToTxn, 3, Acme);
        AddPartitionsToTxnRewrite.Instance.ToStored(Acme, context, request);
        Assert.Equal(("acme.tx", "acme.orders"), (request.V3AndBelowTransactionalId, request.V3AndBelowTopics[0].Name));

        var response = new AddPartitionsToTxnResponse { ResultsByTopicV3AndBelow = [new() { Name = "acme.orders" }] };
        AddPartitionsToTxnRewrite.Instance.ToClient(Acme, context, request, response);
        Assert.Equal("orders", Assert.Single(response.ResultsByTopicV3AndBelow).Name);
    }

    [Fact]
    public void AddPartitionsToTxnBatchesStoreEveryTransaction()
    {
        var request = new AddPartitionsToTxnRequest
        {
            Transactions =
            [
                new() { TransactionalId = "tx-1", Topics = [new() { Name = "orders", Partitions = [0] }] },
                new() { TransactionalId = "tx-2", Topics = [new() { Name = "payments", Partitions = [1] }] },
            ],
        };
        var context = Context(ApiKey.AddPartitionsToTxn, 5, Acme);
        AddPartitionsToTxnRewrite.Instance.ToStored(Acme, context, request);
        Assert.Equal(["acme.tx-1", "acme.tx-2"], request.Transactions.Select(t => t.TransactionalId));
        Assert.Equal(["acme.orders", "acme.payments"], request.Transactions.Select(t => t.Topics[0].Name));

        var response = new AddPartitionsToTxnResponse
        {
            ResultsByTransaction =
            [
                new() { TransactionalId = "acme.tx-1", TopicResults = [new() { Name = "acme.orders" }] },
                new() { TransactionalId = "acme.tx-2", TopicResults = [new() { Name = "acme.payments" }] },
            ],
        };
        AddPartitionsToTxnRewrite.Instance.ToClient(Acme, context, request, response);
        Assert.Equal(["tx-1", "tx-2"], response.ResultsByTransaction.Select(r => r.TransactionalId));
        Assert.Equal(["orders", "payments"], response.ResultsByTransaction.Select(r => r.TopicResults[0].Name));
    }

    [Fact]
    public void AddOffsetsEndTxnAndTxnOffsetCommitStoreTheirIds()
    {
        var addOffsets = new AddOffsetsToTxnRequest { TransactionalId = "tx", GroupId = "billing" };
        AddOffsetsToTxnRewrite.Instance.ToStored(Acme, Context(ApiKey.AddOffsetsToTxn, 4, Acme), addOffsets);
        Assert.Equal(("acme.tx", "acme.billing"), (addOffsets.TransactionalId, addOffsets.GroupId));

        var end = new EndTxnRequest { TransactionalId = "tx" };
        EndTxnRewrite.Instance.ToStored(Acme, Context(ApiKey.EndTxn, 5, Acme), end);
        Assert.Equal("acme.tx", end.TransactionalId);

        var commit = new TxnOffsetCommitRequest { TransactionalId = "tx", GroupId = "billing", MemberId = "m-1", Topics = [new() { Name = "orders" }] };
        var context = Context(ApiKey.TxnOffsetCommit, 4, Acme);
        TxnOffsetCommitRewrite.Instance.ToStored(Acme, context, commit);
        Assert.Equal(("acme.tx", "acme.billing", "m-1", "acme.orders"), (commit.TransactionalId, commit.GroupId, commit.MemberId, commit.Topics[0].Name));
        var response = new TxnOffsetCommitResponse { Topics = [new() { Name = "acme.orders" }] };
        TxnOffsetCommitRewrite.Instance.ToClient(Acme, context, commit, response);
        Assert.Equal("orders", Assert.Single(response.Topics).Name);
    }

    [Fact]
    public void DescribeTransactionsNamesIdsAndTopicsBackAndDropsOthersTopics()
    {
        var request = new DescribeTransactionsRequest { TransactionalIds = ["tx"] };
        var context = Context(ApiKey.DescribeTransactions, 0, Acme);
        DescribeTransactionsRewrite.Instance.ToStored(Acme, context, request);
        Assert.Equal(["acme.tx"], request.TransactionalIds);

        var response = new DescribeTransactionsResponse
        {
            TransactionStates = [new() { TransactionalId = "acme.tx", Topics = [new() { Topic = "acme.orders", Partitions = [0] }, new() { Topic = "globex.orders" }] }],
        };
        DescribeTransactionsRewrite.Instance.ToClient(Acme, context, request, response);
        var state = Assert.Single(response.TransactionStates);
        Assert.Equal("tx", state.TransactionalId);
        Assert.Equal("orders", Assert.Single(state.Topics).Topic);
    }

    [Fact]
    public void ListTransactionsKeepsTheTenantsOnly()
    {
        var request = new ListTransactionsRequest();
        var context = Context(ApiKey.ListTransactions, 1, Acme);
        Assert.Null(ListTransactionsRewrite.Instance.ToStored(Acme, context, request));
        var response = new ListTransactionsResponse
        {
            TransactionStates = [new() { TransactionalId = "acme.tx", ProducerId = 7 }, new() { TransactionalId = "tx" }, new() { TransactionalId = "globex.tx" }],
        };
        ListTransactionsRewrite.Instance.ToClient(Acme, context, request, response);
        var listed = Assert.Single(response.TransactionStates);
        Assert.Equal(("tx", 7L), (listed.TransactionalId, listed.ProducerId));
    }

    [Fact]
    public void WriteTxnMarkersFromATenantIsRefusedWholeWithoutReachingTheHandler()
    {
        var request = new WriteTxnMarkersRequest
        {
            Markers = [new() { ProducerId = 42, Topics = [new() { Name = "orders", PartitionIndexes = [0, 1] }] }],
        };
        var context = Context(ApiKey.WriteTxnMarkers, 1, Acme);
        var refused = WriteTxnMarkersRewrite.Instance.ToStored(Acme, context, request);
        Assert.NotNull(refused);
        WriteTxnMarkersRewrite.Instance.ToClient(Acme, context, request, refused);
        var marker = Assert.Single(refused.Markers);
        Assert.Equal(42, marker.ProducerId);
        var topic = Assert.Single(marker.Topics);
        Assert.Equal("orders", topic.Name);
        Assert.Equal([0, 1], topic.Partitions.Select(p => p.PartitionIndex));
        Assert.All(topic.Partitions, p => Assert.Equal((short)ErrorCode.ClusterAuthorizationFailed, p.ErrorCode));
    }
}
