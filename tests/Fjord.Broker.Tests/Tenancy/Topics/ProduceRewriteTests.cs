using Fjord.Broker.Tenancy.Topics;
using Fjord.Protocol;
using static Fjord.Broker.Tests.Tenancy.Topics.TenantTopicsHarness;

namespace Fjord.Broker.Tests.Tenancy.Topics;

public sealed class ProduceRewriteTests
{
    private readonly ProduceRewrite _rewrite = new();

    [Fact]
    public void TopicsAndTheTransactionalIdAreStoredInTheTenantsNamespace()
    {
        var request = new ProduceRequest { TransactionalId = "tx", Acks = -1 };
        request.TopicData.Add(new ProduceRequest.TopicProduceData { Name = "orders" });
        request.TopicData.Add(new ProduceRequest.TopicProduceData { Name = "globex.orders" });

        Assert.Null(_rewrite.ToStored(Acme, Context(ApiKey.Produce, 11, Acme), request));

        Assert.Equal("acme.tx", request.TransactionalId);
        Assert.Equal(["acme.orders", "acme.globex.orders"], request.TopicData.Select(t => t.Name));
    }

    [Fact]
    public void TheSecondRequestForATopicReusesTheCachedStoredName()
    {
        var first = new ProduceRequest();
        first.TopicData.Add(new ProduceRequest.TopicProduceData { Name = "hot" });
        var second = new ProduceRequest();
        second.TopicData.Add(new ProduceRequest.TopicProduceData { Name = "hot" });
        var context = Context(ApiKey.Produce, 11, Acme);

        _rewrite.ToStored(Acme, context, first);
        _rewrite.ToStored(Acme, context, second);

        Assert.Same(first.TopicData[0].Name, second.TopicData[0].Name);
    }

    [Fact]
    public void TheResponseSpeaksTheTenantsNamesInTopicsAndMessages()
    {
        var request = new ProduceRequest();
        var response = new ProduceResponse();
        var topic = new ProduceResponse.TopicProduceResponse { Name = "acme.orders" };
        var partition = new ProduceResponse.PartitionProduceResponse
        {
            ErrorCode = (short)ErrorCode.InvalidTxnState,
            ErrorMessage = "Partition acme.orders-0 is not part of an open transaction of acme.tx",
        };
        partition.RecordErrors.Add(new ProduceResponse.BatchIndexAndErrorMessage { BatchIndexErrorMessage = "bad record in acme.orders" });
        topic.PartitionResponses.Add(partition);
        response.Responses.Add(topic);

        _rewrite.ToClient(Acme, Context(ApiKey.Produce, 11, Acme), request, response);

        Assert.Equal("orders", topic.Name);
        Assert.Equal("Partition orders-0 is not part of an open transaction of tx", partition.ErrorMessage);
        Assert.Equal("bad record in orders", partition.RecordErrors[0].BatchIndexErrorMessage);
    }

    [Fact]
    public void TheEmptyTopicNameComesBackEmpty()
    {
        var request = new ProduceRequest();
        request.TopicData.Add(new ProduceRequest.TopicProduceData { Name = "" });
        _rewrite.ToStored(Acme, Context(ApiKey.Produce, 11, Acme), request);
        var response = new ProduceResponse();
        response.Responses.Add(new ProduceResponse.TopicProduceResponse { Name = request.TopicData[0].Name });

        _rewrite.ToClient(Acme, Context(ApiKey.Produce, 11, Acme), request, response);

        Assert.Equal("", response.Responses[0].Name);
    }
}
