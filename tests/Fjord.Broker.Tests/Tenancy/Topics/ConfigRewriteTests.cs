using Fjord.Broker.Metadata;
using Fjord.Broker.Tenancy.Topics;
using Fjord.Protocol;
using static Fjord.Broker.Tests.Tenancy.Topics.TenantTopicsHarness;

namespace Fjord.Broker.Tests.Tenancy.Topics;

/// <summary>DescribeConfigs, AlterConfigs and IncrementalAlterConfigs: topics are the tenant's, every other resource the operator's.</summary>
public sealed class ConfigRewriteTests
{
    private const sbyte Topic = (sbyte)ConfigResourceType.Topic;
    private const sbyte Broker = (sbyte)ConfigResourceType.Broker;
    private const sbyte BrokerLogger = (sbyte)ConfigResourceType.BrokerLogger;

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    public void DescribeConfigsRefusesTheOperatorsResourcesInTheirPlace(short version)
    {
        var rewrite = new DescribeConfigsRewrite();
        var context = Context(ApiKey.DescribeConfigs, version, Acme);
        var request = new DescribeConfigsRequest();
        foreach (var (type, name) in new[] { (Broker, "1"), (Topic, "orders"), (BrokerLogger, "1"), (Topic, "payments"), ((sbyte)16, "metrics") })
            request.Resources.Add(new DescribeConfigsRequest.DescribeConfigsResource { ResourceType = type, ResourceName = name });

        Assert.Null(rewrite.ToStored(Acme, context, request));

        // The handler sees only the tenant's topics.
        Assert.Equal(["acme.orders", "acme.payments"], request.Resources.Select(r => r.ResourceName));
        var response = new DescribeConfigsResponse();
        response.Results.Add(new DescribeConfigsResponse.DescribeConfigsResult { ResourceType = Topic, ResourceName = "acme.orders", ErrorMessage = null });
        response.Results.Add(new DescribeConfigsResponse.DescribeConfigsResult
        {
            ResourceType = Topic,
            ResourceName = "acme.payments",
            ErrorCode = (short)ErrorCode.UnknownTopicOrPartition,
            ErrorMessage = "Topic acme.payments does not exist",
        });
        response.Results[0].Configs.Add(new DescribeConfigsResponse.DescribeConfigsResourceResult { Name = "retention.ms", Value = "1000" });

        rewrite.ToClient(Acme, context, request, response);

        Assert.Equal(["1", "orders", "1", "payments", "metrics"], response.Results.Select(r => r.ResourceName));
        Assert.Equal([Broker, Topic, BrokerLogger, Topic, (sbyte)16], response.Results.Select(r => r.ResourceType));
        Assert.Equal(
            [ErrorCode.ClusterAuthorizationFailed, ErrorCode.None, ErrorCode.ClusterAuthorizationFailed, ErrorCode.UnknownTopicOrPartition, ErrorCode.ClusterAuthorizationFailed],
            response.Results.Select(r => (ErrorCode)r.ErrorCode));
        Assert.Equal("Topic payments does not exist", response.Results[3].ErrorMessage);
        Assert.Equal("1000", response.Results[1].Configs[0].Value);
    }

    [Fact]
    public void AlterConfigsOfOnlyTheOperatorsResourcesGivesTheHandlerNothing()
    {
        var rewrite = new AlterConfigsRewrite();
        var context = Context(ApiKey.AlterConfigs, 2, Acme);
        var request = new AlterConfigsRequest();
        request.Resources.Add(new AlterConfigsRequest.AlterConfigsResource { ResourceType = Broker, ResourceName = "" });

        Assert.Null(rewrite.ToStored(Acme, context, request));
        Assert.Empty(request.Resources);

        var response = new AlterConfigsResponse();
        rewrite.ToClient(Acme, context, request, response);
        var refused = Assert.Single(response.Responses);
        Assert.Equal((short)ErrorCode.ClusterAuthorizationFailed, refused.ErrorCode);
        Assert.Equal(Broker, refused.ResourceType);
        Assert.Equal("", refused.ResourceName);
    }

    [Fact]
    public void AlterConfigsOfTopicsAloneIsTranslatedAndNothingIsSpliced()
    {
        var rewrite = new AlterConfigsRewrite();
        var context = Context(ApiKey.AlterConfigs, 0, Acme);
        var request = new AlterConfigsRequest();
        request.Resources.Add(new AlterConfigsRequest.AlterConfigsResource { ResourceType = Topic, ResourceName = "orders" });

        rewrite.ToStored(Acme, context, request);
        Assert.Null(context.TenantRewriteState);
        Assert.Equal("acme.orders", request.Resources[0].ResourceName);

        var response = new AlterConfigsResponse();
        response.Responses.Add(new AlterConfigsResponse.AlterConfigsResourceResponse { ResourceType = Topic, ResourceName = "acme.orders", ErrorMessage = "Invalid value for acme.orders" });
        rewrite.ToClient(Acme, context, request, response);
        Assert.Equal("orders", response.Responses[0].ResourceName);
        Assert.Equal("Invalid value for orders", response.Responses[0].ErrorMessage);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void IncrementalAlterConfigsRefusesTheBrokersAndTranslatesTheTopics(short version)
    {
        var rewrite = new IncrementalAlterConfigsRewrite();
        var context = Context(ApiKey.IncrementalAlterConfigs, version, Acme);
        var request = new IncrementalAlterConfigsRequest();
        request.Resources.Add(new IncrementalAlterConfigsRequest.AlterConfigsResource { ResourceType = Topic, ResourceName = "orders" });
        request.Resources.Add(new IncrementalAlterConfigsRequest.AlterConfigsResource { ResourceType = Broker, ResourceName = "1" });

        rewrite.ToStored(Acme, context, request);
        Assert.Equal("acme.orders", Assert.Single(request.Resources).ResourceName);

        var response = new IncrementalAlterConfigsResponse();
        response.Responses.Add(new IncrementalAlterConfigsResponse.AlterConfigsResourceResponse { ResourceType = Topic, ResourceName = "acme.orders", ErrorMessage = null });
        rewrite.ToClient(Acme, context, request, response);

        Assert.Equal(["orders", "1"], response.Responses.Select(r => r.ResourceName));
        Assert.Equal([ErrorCode.None, ErrorCode.ClusterAuthorizationFailed], response.Responses.Select(r => (ErrorCode)r.ErrorCode));
    }
}
