using Fjord.Broker.Tenancy.Topics;
using Fjord.Cluster;
using Fjord.Protocol;
using static Fjord.Broker.Tests.Tenancy.Topics.TenantTopicsHarness;

namespace Fjord.Broker.Tests.Tenancy.Topics;

/// <summary>CreateTopics, DeleteTopics and CreatePartitions.</summary>
public sealed class TopicAdminRewriteTests : IAsyncLifetime
{
    private TenantTopicsHarness _h = null!;

    public async Task InitializeAsync() => _h = await StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public void CreateTopicsRefusesANameLongerThanTheTenantsLimitWithThatLimit()
    {
        var rewrite = new CreateTopicsRewrite();
        var context = Context(ApiKey.CreateTopics, 7, Acme);
        var tooLong = new string('x', Acme.MaxTopicNameLength + 1);
        var request = new CreateTopicsRequest();
        foreach (var name in new[] { "orders", tooLong })
        {
            var topic = new CreateTopicsRequest.CreatableTopic { Name = name };
            topic.Configs.Add(new CreateTopicsRequest.CreatableTopicConfig { Name = "cleanup.policy", Value = "compact" });
            request.Topics.Add(topic);
        }

        Assert.Null(rewrite.ToStored(Acme, context, request));

        Assert.Equal("acme.orders", request.Topics[0].Name);
        Assert.NotNull(TopicNames.Problem(request.Topics[1].Name));
        Assert.Equal("compact", request.Topics[1].Configs[0].Value);

        // As the handler answers: the first created, the second refused with Kafka's 249 in its message.
        var response = new CreateTopicsResponse();
        response.Topics.Add(new CreateTopicsResponse.CreatableTopicResult { Name = request.Topics[0].Name, TopicId = Guid.NewGuid(), ErrorMessage = null });
        response.Topics.Add(new CreateTopicsResponse.CreatableTopicResult
        {
            Name = request.Topics[1].Name,
            ErrorCode = (short)ErrorCode.InvalidTopicException,
            ErrorMessage = "Topic name is longer than 249 characters",
        });
        rewrite.ToClient(Acme, context, request, response);

        Assert.Equal("orders", response.Topics[0].Name);
        var refused = response.Topics[1];
        Assert.Equal(tooLong, refused.Name);
        Assert.Equal((short)ErrorCode.InvalidTopicException, refused.ErrorCode);
        Assert.Equal($"Topic name is longer than {Acme.MaxTopicNameLength} characters", refused.ErrorMessage);
        Assert.Equal(249 - "acme.".Length, Acme.MaxTopicNameLength);
    }

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("..")]
    public void CreateTopicsRefusesNamesThatOnlyThePrefixWouldMakeLegal(string name)
    {
        var rewrite = new CreateTopicsRewrite();
        var context = Context(ApiKey.CreateTopics, 7, Acme);
        var request = new CreateTopicsRequest();
        request.Topics.Add(new CreateTopicsRequest.CreatableTopic { Name = name });

        rewrite.ToStored(Acme, context, request);
        Assert.NotNull(TopicNames.Problem(request.Topics[0].Name));

        var response = new CreateTopicsResponse();
        response.Topics.Add(new CreateTopicsResponse.CreatableTopicResult { Name = request.Topics[0].Name, ErrorCode = (short)ErrorCode.InvalidTopicException, ErrorMessage = "x" });
        rewrite.ToClient(Acme, context, request, response);
        Assert.Equal(name, response.Topics[0].Name);
        Assert.Equal(TopicNames.Problem(name), response.Topics[0].ErrorMessage);
    }

    [Fact]
    public void CreateTopicsKeepsTheHandlersAuthorizationAnswerForAnInvalidName()
    {
        var rewrite = new CreateTopicsRewrite();
        var context = Context(ApiKey.CreateTopics, 7, Acme);
        var request = new CreateTopicsRequest();
        request.Topics.Add(new CreateTopicsRequest.CreatableTopic { Name = "." });
        rewrite.ToStored(Acme, context, request);
        var response = new CreateTopicsResponse();
        response.Topics.Add(new CreateTopicsResponse.CreatableTopicResult { Name = request.Topics[0].Name, ErrorCode = (short)ErrorCode.TopicAuthorizationFailed, ErrorMessage = "Authorization failed." });

        rewrite.ToClient(Acme, context, request, response);

        Assert.Equal((short)ErrorCode.TopicAuthorizationFailed, response.Topics[0].ErrorCode);
        Assert.Equal(".", response.Topics[0].Name);
    }

    [Fact]
    public void CreateTopicsQuotesTheNameTheTenantSentWhenAnInvalidNameIsDuplicated()
    {
        var rewrite = new CreateTopicsRewrite();
        var context = Context(ApiKey.CreateTopics, 7, Acme);
        var request = new CreateTopicsRequest();
        request.Topics.Add(new CreateTopicsRequest.CreatableTopic { Name = ".." });
        rewrite.ToStored(Acme, context, request);
        var response = new CreateTopicsResponse();
        response.Topics.Add(new CreateTopicsResponse.CreatableTopicResult
        {
            Name = request.Topics[0].Name,
            ErrorCode = (short)ErrorCode.InvalidRequest,
            ErrorMessage = $"Create topics request from client contains multiple requests for topic {request.Topics[0].Name}",
        });

        rewrite.ToClient(Acme, context, request, response);

        Assert.Equal((short)ErrorCode.InvalidRequest, response.Topics[0].ErrorCode);
        Assert.Equal("Create topics request from client contains multiple requests for topic ..", response.Topics[0].ErrorMessage);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    public void DeleteTopicsByNameDeletesTheTenantsTopics(short version)
    {
        var rewrite = new DeleteTopicsRewrite(_h.Services);
        var context = Context(ApiKey.DeleteTopics, version, Acme);
        var request = new DeleteTopicsRequest { TopicNames = ["orders", "globex.orders"] };

        rewrite.ToStored(Acme, context, request);

        Assert.Equal(["acme.orders", "acme.globex.orders"], request.TopicNames);
        var response = new DeleteTopicsResponse();
        response.Responses.Add(new DeleteTopicsResponse.DeletableTopicResult { Name = "acme.globex.orders", ErrorCode = (short)ErrorCode.UnknownTopicOrPartition });
        rewrite.ToClient(Acme, context, request, response);
        Assert.Equal("globex.orders", response.Responses[0].Name);
    }

    [Fact]
    public void DeleteTopicsByAnotherTenantsIdAnswersAsForAnIdThatDoesNotExist()
    {
        var rewrite = new DeleteTopicsRewrite(_h.Services);
        var context = Context(ApiKey.DeleteTopics, 6, Acme);
        var request = new DeleteTopicsRequest();
        request.Topics.Add(new DeleteTopicsRequest.DeleteTopicState { Name = null, TopicId = _h.GlobexOrders.TopicId });
        request.Topics.Add(new DeleteTopicsRequest.DeleteTopicState { Name = null, TopicId = _h.AcmeOrders.TopicId });
        request.Topics.Add(new DeleteTopicsRequest.DeleteTopicState { Name = "orders" });

        rewrite.ToStored(Acme, context, request);

        var standIn = request.Topics[0].TopicId;
        Assert.NotEqual(_h.GlobexOrders.TopicId, standIn);
        Assert.False(_h.Metadata.Current.TopicsById.ContainsKey(standIn));
        Assert.Equal(_h.AcmeOrders.TopicId, request.Topics[1].TopicId);
        Assert.Equal("acme.orders", request.Topics[2].Name);

        // The handler's answers: the stand-in is unknown, the tenant's own id resolves to its name.
        var response = new DeleteTopicsResponse();
        response.Responses.Add(new DeleteTopicsResponse.DeletableTopicResult
        {
            Name = null,
            TopicId = standIn,
            ErrorCode = (short)ErrorCode.UnknownTopicId,
            ErrorMessage = $"Topic id {standIn} does not exist",
        });
        response.Responses.Add(new DeleteTopicsResponse.DeletableTopicResult { Name = "acme.orders", TopicId = _h.AcmeOrders.TopicId });
        rewrite.ToClient(Acme, context, request, response);

        Assert.Equal(_h.GlobexOrders.TopicId, response.Responses[0].TopicId);
        Assert.Equal($"Topic id {_h.GlobexOrders.TopicId} does not exist", response.Responses[0].ErrorMessage);
        Assert.Null(response.Responses[0].Name);
        Assert.Equal("orders", response.Responses[1].Name);
    }

    [Fact]
    public void CreatePartitionsTranslatesNamesAndMessages()
    {
        var rewrite = new CreatePartitionsRewrite();
        var context = Context(ApiKey.CreatePartitions, 3, Acme);
        var request = new CreatePartitionsRequest();
        request.Topics.Add(new CreatePartitionsRequest.CreatePartitionsTopic { Name = "orders", Count = 4 });

        rewrite.ToStored(Acme, context, request);
        Assert.Equal("acme.orders", request.Topics[0].Name);

        var response = new CreatePartitionsResponse();
        response.Results.Add(new CreatePartitionsResponse.CreatePartitionsTopicResult
        {
            Name = "acme.orders",
            ErrorCode = (short)ErrorCode.InvalidPartitions,
            ErrorMessage = "Topic acme.orders already has 4 partitions.",
        });
        rewrite.ToClient(Acme, context, request, response);
        Assert.Equal("orders", response.Results[0].Name);
        Assert.Equal("Topic orders already has 4 partitions.", response.Results[0].ErrorMessage);
    }
}
