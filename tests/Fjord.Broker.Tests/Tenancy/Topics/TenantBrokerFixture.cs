using System.Net;
using Fjord.Broker.Configuration;
using Fjord.Broker.Network;
using Fjord.Broker.Tests.Authorization;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Protocol;
using Fjord.Security.Authorization;
using Fjord.Security.Principals;
using Fjord.Security.Tenancy;
using Fjord.Testing;

namespace Fjord.Broker.Tests.Tenancy.Topics;

/// <summary>
/// One broker shared by two tenants, acme and globex. Until authentication sets a session's tenant, the tests call
/// a second set of the broker's handlers (built by HandlerCatalog over its own components, so with the tenant
/// rewrites attached) directly, with a session whose tenant is set: each request goes through the rewrite, the
/// real handler and the rewrite back, as a tenant's would. Every principal may do everything: what a tenant sees
/// and reaches here is decided by its namespace alone.
/// </summary>
public sealed class TenantBrokerFixture(AzuriteFixture azurite) : FjordTestClusterFixture
{
    private IReadOnlyDictionary<ApiKey, ApiHandler>? _handlers;

    public TenantScope Acme { get; } = TenantTopicsHarness.Scope("acme");
    public TenantScope Globex { get; } = TenantTopicsHarness.Scope("globex");

    protected override FjordTestClusterOptions Options => new()
    {
        Azurite = azurite.Host,
        Settings = new Dictionary<string, string>
        {
            ["offsets.topic.replication.factor"] = "1",
            ["auto.create.topics.enable"] = "true",
        },
    };

    protected override Task AfterStartAsync(FjordTestCluster cluster)
    {
        var authorizer = new RuleAuthorizer();
        foreach (var tenant in new[] { Acme, Globex })
        {
            var principal = KafkaPrincipal.User(tenant.Prefix + "alice");
            foreach (var type in new[] { ResourceType.Topic, ResourceType.Cluster, ResourceType.TransactionalId, ResourceType.Group })
                authorizer.Allow(principal, AclOperation.All, type);
        }
        _handlers = cluster.InProcess().CreateHandlers(authorizer).ToDictionary(h => h.ApiKey);
        return Task.CompletedTask;
    }

    /// <summary>A connection of <paramref name="tenant"/>'s alice.</summary>
    public ClientSession Session(TenantScope tenant) =>
        new(Interlocked.Increment(ref _connections), new ListenerEndpoint("PLAINTEXT", "127.0.0.1", Cluster.InProcess().AdvertisedListeners[0].Port), IPAddress.Loopback)
        {
            Principal = KafkaPrincipal.User(tenant.Prefix + "alice"),
            Tenant = tenant,
        };

    private long _connections;

    /// <summary>Sends <paramref name="request"/> on <paramref name="session"/> as the wire would carry it.</summary>
    /// <returns>The response as the client would read it, or default when none is due (acks=0).</returns>
    public async Task<TResponse?> SendAsync<TResponse>(ClientSession session, IKafkaMessage request, short version)
        where TResponse : class, IKafkaMessage, new()
    {
        var handlers = _handlers ?? throw new InvalidOperationException("the broker has not started");
        using var body = new ResponseBuffer();
        var writer = new KafkaWriter(body);
        request.Write(ref writer, version);
        var context = new RequestContext(request.ApiKey, version, 1, "tenant-topics-tests", session);
        using var output = new ResponseBuffer();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        if (!await handlers[request.ApiKey].HandleAsync(context, body.WrittenMemory.ToArray(), output, timeout.Token)) return null;
        var response = new TResponse();
        var reader = new KafkaReader(output.WrittenMemory);
        response.Read(ref reader, version);
        return response;
    }
}
