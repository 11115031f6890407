using Fjord.Broker.Tenancy.Topics;
using Fjord.Cluster;
using Fjord.Protocol;
using static Fjord.Broker.Tests.Tenancy.Topics.TenantTopicsHarness;

namespace Fjord.Broker.Tests.Tenancy.Topics;

public sealed class MetadataRewriteTests : IAsyncLifetime
{
    private TenantTopicsHarness _h = null!;
    private MetadataRewrite _rewrite = null!;

    public async Task InitializeAsync()
    {
        _h = await StartAsync();
        _rewrite = new MetadataRewrite(_h.Services);
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private static MetadataResponse.MetadataResponseTopic Topic(string? name, Guid id, ErrorCode error = ErrorCode.None) =>
        new() { Name = name, TopicId = id, ErrorCode = (short)error };

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(12)]
    public void AnAllTopicsListingShowsOnlyTheTenantsTopicsAndItsClusterId(short version)
    {
        var request = new MetadataRequest { Topics = version == 0 ? [] : null };
        var context = Context(ApiKey.Metadata, version, Acme);
        Assert.Null(_rewrite.ToStored(Acme, context, request));
        var response = new MetadataResponse { ClusterId = _h.Metadata.Current.ClusterId };
        response.Topics.AddRange([
            Topic(TopicNames.ConsumerOffsets, _h.ConsumerOffsets.TopicId),
            Topic("acme.orders", _h.AcmeOrders.TopicId),
            Topic("globex.orders", _h.GlobexOrders.TopicId),
            Topic("acme", Guid.NewGuid()),
        ]);

        _rewrite.ToClient(Acme, context, request, response);

        var topic = Assert.Single(response.Topics);
        Assert.Equal("orders", topic.Name);
        Assert.Equal(_h.AcmeOrders.TopicId, topic.TopicId);
        Assert.Equal("acme-cluster", response.ClusterId);
    }

    [Fact]
    public void NamedTopicsAreTheTenantsAndANameItMayNotUseIsMarkedInvalid()
    {
        var request = new MetadataRequest { Topics = [] };
        foreach (var name in new[] { "orders", ".", "..", "", new string('x', Acme.MaxTopicNameLength + 1), new string('y', Acme.MaxTopicNameLength) })
            request.Topics.Add(new MetadataRequest.MetadataRequestTopic { Name = name });

        _rewrite.ToStored(Acme, Context(ApiKey.Metadata, 12, Acme), request);

        var stored = request.Topics.Select(t => t.Name!).ToList();
        Assert.Equal("acme.orders", stored[0]);
        // Legal once prefixed, so the handler would create them: marked, so it answers INVALID_TOPIC_EXCEPTION instead.
        Assert.All(stored.Skip(1).Take(4), name => Assert.NotNull(TopicNames.Problem(name)));
        Assert.Equal("acme." + new string('y', Acme.MaxTopicNameLength), stored[5]);
        Assert.Equal(TopicNames.MaxLength, stored[5].Length);

        var response = new MetadataResponse();
        response.Topics.AddRange(stored.Select(name => Topic(name, Guid.Empty, ErrorCode.InvalidTopicException)));
        _rewrite.ToClient(Acme, Context(ApiKey.Metadata, 12, Acme), request, response);
        Assert.Equal(["orders", ".", "..", "", new string('x', Acme.MaxTopicNameLength + 1), new string('y', Acme.MaxTopicNameLength)], response.Topics.Select(t => t.Name));
    }

    [Fact]
    public void AnotherTenantsTopicIdIsAnsweredAsAnUnknownOne()
    {
        var session = Session(Acme);
        var context = Context(ApiKey.Metadata, 12, session);
        var unknown = Guid.NewGuid();
        var request = new MetadataRequest { Topics = [] };
        foreach (var id in new[] { _h.AcmeOrders.TopicId, _h.GlobexOrders.TopicId, unknown })
            request.Topics.Add(new MetadataRequest.MetadataRequestTopic { Name = null, TopicId = id });

        _rewrite.ToStored(Acme, context, request);

        Assert.Equal(_h.AcmeOrders.TopicId, request.Topics[0].TopicId);
        Assert.All(request.Topics.Skip(1), t => Assert.False(_h.Metadata.Current.TopicsById.ContainsKey(t.TopicId)));
        var response = new MetadataResponse();
        response.Topics.Add(Topic("acme.orders", _h.AcmeOrders.TopicId));
        response.Topics.Add(Topic(null, request.Topics[1].TopicId, ErrorCode.UnknownTopicId));
        response.Topics.Add(Topic(null, request.Topics[2].TopicId, ErrorCode.UnknownTopicId));
        _rewrite.ToClient(Acme, context, request, response);

        Assert.Equal([_h.AcmeOrders.TopicId, _h.GlobexOrders.TopicId, unknown], response.Topics.Select(t => t.TopicId));
        Assert.Equal(["orders", null, null], response.Topics.Select(t => t.Name));
    }
}
