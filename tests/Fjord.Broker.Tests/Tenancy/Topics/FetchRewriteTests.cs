using System.Buffers;
using Fjord.Broker.Tenancy.Topics;
using Fjord.Protocol;
using static Fjord.Broker.Tests.Tenancy.Topics.TenantTopicsHarness;

namespace Fjord.Broker.Tests.Tenancy.Topics;

public sealed class FetchRewriteTests : IAsyncLifetime
{
    private TenantTopicsHarness _h = null!;
    private FetchRewrite _rewrite = null!;

    public async Task InitializeAsync()
    {
        _h = await StartAsync();
        _rewrite = new FetchRewrite(_h.Services);
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private static FetchRequest Request(params (string Name, Guid Id)[] topics)
    {
        var request = new FetchRequest { ReplicaId = -1 };
        foreach (var (name, id) in topics)
        {
            var topic = new FetchRequest.FetchTopic { Topic = name, TopicId = id };
            topic.Partitions.Add(new FetchRequest.FetchPartition { Partition = 0 });
            request.Topics.Add(topic);
        }
        return request;
    }

    private static FetchResponse.FetchableTopicResponse TopicResponse(string name, Guid id, ReadOnlyMemory<byte>? records = null)
    {
        var topic = new FetchResponse.FetchableTopicResponse { Topic = name, TopicId = id };
        topic.Partitions.Add(new FetchResponse.PartitionData { PartitionIndex = 0, Records = records });
        return topic;
    }

    /// <summary>Records as the replica manager hands them over: a pooled buffer the response must give back.</summary>
    private static ReadOnlyMemory<byte> Pooled(int length) => ArrayPool<byte>.Shared.Rent(length).AsMemory(0, length);

    [Theory]
    [InlineData(4)]
    [InlineData(12)]
    public void ByNameTheFetchedAndForgottenTopicsAreTheTenants(short version)
    {
        var request = Request(("orders", Guid.Empty));
        request.ForgottenTopicsData.Add(new FetchRequest.ForgottenTopic { Topic = "old", Partitions = [0] });

        Assert.Null(_rewrite.ToStored(Acme, Context(ApiKey.Fetch, version, Acme), request));

        Assert.Equal("acme.orders", request.Topics[0].Topic);
        Assert.Equal("acme.old", request.ForgottenTopicsData[0].Topic);
    }

    [Fact]
    public void ByNameTheResponseKeepsOnlyTheTenantsTopicsAndReleasesTheRest()
    {
        var context = Context(ApiKey.Fetch, 12, Acme);
        var request = Request(("orders", Guid.Empty));
        _rewrite.ToStored(Acme, context, request);
        var response = new FetchResponse();
        var mine = TopicResponse("acme.orders", Guid.Empty, new byte[] { 1, 2, 3 });
        // Only a session id guessed from another tenant's connection could bring this in.
        var theirs = TopicResponse("globex.orders", Guid.Empty, Pooled(3));
        response.Responses.AddRange([mine, theirs]);

        _rewrite.ToClient(Acme, context, request, response);

        var kept = Assert.Single(response.Responses);
        Assert.Same(mine, kept);
        Assert.Equal("orders", kept.Topic);
        Assert.Equal(new byte[] { 1, 2, 3 }, kept.Partitions[0].Records!.Value.ToArray());
        Assert.True(theirs.Partitions[0].Records!.Value.IsEmpty);
    }

    [Theory]
    [InlineData(13)]
    [InlineData(17)]
    public void ByIdTheTenantsOwnIdsPassAndEveryOtherIdIsHiddenTheSameWay(short version)
    {
        var session = Session(Acme);
        var context = Context(ApiKey.Fetch, version, session);
        var unknown = Guid.NewGuid();
        var request = Request(("", _h.AcmeOrders.TopicId), ("", _h.GlobexOrders.TopicId), ("", unknown), ("", _h.ConsumerOffsets.TopicId));
        request.ForgottenTopicsData.Add(new FetchRequest.ForgottenTopic { TopicId = _h.GlobexOrders.TopicId, Partitions = [1] });

        _rewrite.ToStored(Acme, context, request);

        Assert.Equal(_h.AcmeOrders.TopicId, request.Topics[0].TopicId);
        var standIns = request.Topics.Skip(1).Select(t => t.TopicId).ToList();
        Assert.Equal(3, standIns.Distinct().Count());
        Assert.All(standIns, id => Assert.False(_h.Metadata.Current.TopicsById.ContainsKey(id), "a stand-in names a topic"));
        Assert.DoesNotContain(_h.GlobexOrders.TopicId, standIns);
        Assert.DoesNotContain(unknown, standIns);
        // The same id keeps its stand-in on the connection, so the session forgets what it added.
        Assert.Equal(standIns[0], request.ForgottenTopicsData[0].TopicId);

        // The handler answers a stand-in as an unknown id (no name); the tenant gets its own id back.
        var response = new FetchResponse();
        response.Responses.Add(TopicResponse("acme.orders", _h.AcmeOrders.TopicId));
        foreach (var standIn in standIns) response.Responses.Add(TopicResponse("", standIn));
        _rewrite.ToClient(Acme, context, request, response);

        Assert.Equal([_h.AcmeOrders.TopicId, _h.GlobexOrders.TopicId, unknown, _h.ConsumerOffsets.TopicId], response.Responses.Select(t => t.TopicId));
    }

    [Fact]
    public void AStandInLastsAcrossTheConnectionsRequestsForItsIncrementalSession()
    {
        var session = Session(Acme);
        var first = Request(("", _h.GlobexOrders.TopicId));
        _rewrite.ToStored(Acme, Context(ApiKey.Fetch, 17, session), first);
        var standIn = first.Topics[0].TopicId;

        // A later incremental fetch names nothing; the session answers the partition it holds under the stand-in.
        var next = Request();
        var context = Context(ApiKey.Fetch, 17, session);
        _rewrite.ToStored(Acme, context, next);
        var response = new FetchResponse();
        response.Responses.Add(TopicResponse("", standIn));
        _rewrite.ToClient(Acme, context, next, response);

        Assert.Equal(_h.GlobexOrders.TopicId, Assert.Single(response.Responses).TopicId);

        // Another connection has its own stand-ins: this one means nothing there.
        var other = Context(ApiKey.Fetch, 17, Session(Acme));
        var elsewhere = new FetchResponse();
        elsewhere.Responses.Add(TopicResponse("", standIn));
        _rewrite.ToClient(Acme, other, Request(), elsewhere);
        Assert.Equal(standIn, Assert.Single(elsewhere.Responses).TopicId);
    }

    [Fact]
    public void ByIdAnotherTenantsTopicInTheResponseIsDropped()
    {
        var context = Context(ApiKey.Fetch, 17, Acme);
        var response = new FetchResponse();
        var theirs = TopicResponse("globex.orders", _h.GlobexOrders.TopicId, Pooled(1));
        response.Responses.Add(theirs);

        _rewrite.ToClient(Acme, context, Request(), response);

        Assert.Empty(response.Responses);
        Assert.True(theirs.Partitions[0].Records!.Value.IsEmpty);
    }

    [Theory]
    [InlineData(12)]
    [InlineData(15)]
    public void ATenantIsNeverAFollower(short version)
    {
        var request = Request(("orders", _h.AcmeOrders.TopicId));
        if (version >= 15) request.ReplicaState.ReplicaId = 1;
        else request.ReplicaId = 1;
        var context = Context(ApiKey.Fetch, version, Acme);

        var refused = _rewrite.ToStored(Acme, context, request);

        Assert.NotNull(refused);
        _rewrite.ToClient(Acme, context, request, refused);
        var topic = Assert.Single(refused.Responses);
        Assert.Equal("orders", topic.Topic);
        Assert.Equal((short)ErrorCode.TopicAuthorizationFailed, Assert.Single(topic.Partitions).ErrorCode);
    }
}
