using Fjord.Broker.Tenancy.Topics;
using Fjord.Protocol;
using static Fjord.Broker.Tests.Tenancy.Topics.TenantTopicsHarness;

namespace Fjord.Broker.Tests.Tenancy.Topics;

/// <summary>ListOffsets, OffsetForLeaderEpoch, DeleteRecords, DescribeProducers and DescribeCluster.</summary>
public sealed class DataPathRewriteTests
{
    [Fact]
    public void ListOffsetsTranslatesTopicNamesEachWay()
    {
        var rewrite = new ListOffsetsRewrite();
        var context = Context(ApiKey.ListOffsets, 10, Acme);
        var request = new ListOffsetsRequest();
        request.Topics.Add(new ListOffsetsRequest.ListOffsetsTopic { Name = "orders" });
        rewrite.ToStored(Acme, context, request);
        Assert.Equal("acme.orders", request.Topics[0].Name);

        var response = new ListOffsetsResponse();
        response.Topics.Add(new ListOffsetsResponse.ListOffsetsTopicResponse { Name = "acme.orders" });
        rewrite.ToClient(Acme, context, request, response);
        Assert.Equal("orders", response.Topics[0].Name);
    }

    [Fact]
    public void OffsetForLeaderEpochTranslatesTopicNamesEachWay()
    {
        var rewrite = new OffsetForLeaderEpochRewrite();
        var context = Context(ApiKey.OffsetForLeaderEpoch, 4, Globex);
        var request = new OffsetForLeaderEpochRequest();
        request.Topics.Add(new OffsetForLeaderEpochRequest.OffsetForLeaderTopic { Topic = "orders" });
        rewrite.ToStored(Globex, context, request);
        Assert.Equal("globex.orders", request.Topics[0].Topic);

        var response = new OffsetForLeaderEpochResponse();
        response.Topics.Add(new OffsetForLeaderEpochResponse.OffsetForLeaderTopicResult { Topic = "globex.orders" });
        rewrite.ToClient(Globex, context, request, response);
        Assert.Equal("orders", response.Topics[0].Topic);
    }

    [Fact]
    public void DeleteRecordsTranslatesTopicNamesEachWay()
    {
        var rewrite = new DeleteRecordsRewrite();
        var context = Context(ApiKey.DeleteRecords, 2, Acme);
        var request = new DeleteRecordsRequest();
        request.Topics.Add(new DeleteRecordsRequest.DeleteRecordsTopic { Name = "orders" });
        rewrite.ToStored(Acme, context, request);
        Assert.Equal("acme.orders", request.Topics[0].Name);

        var response = new DeleteRecordsResponse();
        response.Topics.Add(new DeleteRecordsResponse.DeleteRecordsTopicResult { Name = "acme.orders" });
        rewrite.ToClient(Acme, context, request, response);
        Assert.Equal("orders", response.Topics[0].Name);
    }

    [Fact]
    public void DescribeProducersTranslatesTopicNamesAndMessages()
    {
        var rewrite = new DescribeProducersRewrite();
        var context = Context(ApiKey.DescribeProducers, 0, Acme);
        var request = new DescribeProducersRequest();
        request.Topics.Add(new DescribeProducersRequest.TopicRequest { Name = "orders", PartitionIndexes = [0] });
        rewrite.ToStored(Acme, context, request);
        Assert.Equal("acme.orders", request.Topics[0].Name);

        var response = new DescribeProducersResponse();
        var topic = new DescribeProducersResponse.TopicResponse { Name = "acme.orders" };
        topic.Partitions.Add(new DescribeProducersResponse.PartitionResponse { ErrorMessage = "acme.orders-0 is not led here" });
        response.Topics.Add(topic);
        rewrite.ToClient(Acme, context, request, response);
        Assert.Equal("orders", topic.Name);
        Assert.Equal("orders-0 is not led here", topic.Partitions[0].ErrorMessage);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void DescribeClusterShowsTheTenantsClusterIdAndKeepsTheOperations(short version)
    {
        var rewrite = new DescribeClusterRewrite();
        var context = Context(ApiKey.DescribeCluster, version, Acme);
        var request = new DescribeClusterRequest { IncludeClusterAuthorizedOperations = true };
        Assert.Null(rewrite.ToStored(Acme, context, request));
        var response = new DescribeClusterResponse { ClusterId = "the-real-one", ClusterAuthorizedOperations = 0b1010 };

        rewrite.ToClient(Acme, context, request, response);

        Assert.Equal("acme-cluster", response.ClusterId);
        Assert.Equal(0b1010, response.ClusterAuthorizedOperations);
    }
}
