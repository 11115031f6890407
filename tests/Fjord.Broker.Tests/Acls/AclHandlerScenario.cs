using System.Net;
using Fjord.Broker.Configuration;
using Fjord.Broker.Handlers.Acls;
using Fjord.Broker.Network;
using Fjord.Protocol;
using Fjord.Security.Authorization;
using Fjord.Security.Principals;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Fjord.Broker.Tests.Acls;

/// <summary>
/// The three ACL handlers over one in-memory store and one authorizer kept by an AclCache, driven the way the
/// network layer drives them: each request encoded at the version under test, each response decoded at it.
/// </summary>
internal sealed class AclHandlerScenario : IAsyncDisposable
{
    public static readonly KafkaPrincipal Admin = KafkaPrincipal.User("admin");
    public static readonly IPAddress ClientHost = IPAddress.Parse("10.0.0.1");

    private AclHandlerScenario(InMemoryAclStore store, AclAuthorizer authorizer, AclCache cache)
    {
        Store = store;
        Authorizer = authorizer;
        Cache = cache;
        Create = new CreateAclsHandler(store, cache, authorizer);
        Describe = new DescribeAclsHandler(store, authorizer);
        Delete = new DeleteAclsHandler(store, cache, authorizer);
    }

    public InMemoryAclStore Store { get; }
    public AclAuthorizer Authorizer { get; }
    public AclCache Cache { get; }
    public CreateAclsHandler Create { get; }
    public DescribeAclsHandler Describe { get; }
    public DeleteAclsHandler Delete { get; }

    /// <summary>Who the requests come from; the super user unless a test says otherwise.</summary>
    public KafkaPrincipal Caller { get; set; } = Admin;

    public static async Task<AclHandlerScenario> StartAsync(CancellationToken ct)
    {
        var store = new InMemoryAclStore();
        var authorizer = new AclAuthorizer(new AuthorizerOptions { SuperUsers = AuthorizerOptions.ParseSuperUsers("User:admin") });
        // Fake time that nobody advances: the poll loop never runs, so only the handlers' refreshes move the authorizer.
        var cache = new AclCache(store, authorizer, AclCache.DefaultPollInterval, new FakeTimeProvider(), NullLogger.Instance);
        await cache.StartAsync(ct);
        return new AclHandlerScenario(store, authorizer, cache);
    }

    public Task<CreateAclsResponse> SendAsync(CreateAclsRequest request, short version, CancellationToken ct) =>
        SendAsync<CreateAclsRequest, CreateAclsResponse>(Create, ApiKey.CreateAcls, request, version, ct);

    public Task<DescribeAclsResponse> SendAsync(DescribeAclsRequest request, short version, CancellationToken ct) =>
        SendAsync<DescribeAclsRequest, DescribeAclsResponse>(Describe, ApiKey.DescribeAcls, request, version, ct);

    public Task<DeleteAclsResponse> SendAsync(DeleteAclsRequest request, short version, CancellationToken ct) =>
        SendAsync<DeleteAclsRequest, DeleteAclsResponse>(Delete, ApiKey.DeleteAcls, request, version, ct);

    public ValueTask DisposeAsync() => Cache.DisposeAsync();

    private async Task<TResponse> SendAsync<TRequest, TResponse>(ApiHandler handler, ApiKey apiKey, TRequest request, short version, CancellationToken ct)
        where TRequest : IKafkaMessage
        where TResponse : IKafkaMessage, new()
    {
        Assert.InRange(version, handler.MinVersion, handler.MaxVersion);
        using var body = new ResponseBuffer();
        var writer = new KafkaWriter(body);
        request.Write(ref writer, version);
        var session = new ClientSession(1, new ListenerEndpoint("PLAINTEXT", "127.0.0.1", 9092), ClientHost) { Principal = Caller };
        var context = new RequestContext(apiKey, version, CorrelationId: 7, ClientId: "acl-tests", session);
        using var output = new ResponseBuffer();

        Assert.True(await handler.HandleAsync(context, body.WrittenMemory.ToArray(), output, ct));

        var response = new TResponse();
        var reader = new KafkaReader(output.WrittenMemory);
        response.Read(ref reader, version);
        Assert.Equal(0, reader.Remaining);
        return response;
    }
}
