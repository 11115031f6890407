using System.Net;
using Fjord.Broker.Configuration;
using Fjord.Broker.Network;
using Fjord.Broker.Tenancy;
using Fjord.Cluster;
using Fjord.Protocol;
using Fjord.Security.Principals;
using Fjord.Security.Tenancy;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fjord.Broker.Tests.Tenancy.Topics;

/// <summary>
/// Two tenants' topics (acme.orders, globex.orders) and the cluster's internal offsets topic in a real metadata
/// cache over the in-memory store, for the rewrites' unit tests; and the tenants' sessions and request contexts.
/// </summary>
internal sealed class TenantTopicsHarness : IAsyncDisposable
{
    public static readonly TenantScope Acme = Scope("acme");
    public static readonly TenantScope Globex = Scope("globex");

    private TenantTopicsHarness(MetadataCache metadata, TopicMetadata acmeOrders, TopicMetadata globexOrders, TopicMetadata offsets)
    {
        Metadata = metadata;
        Services = new TenantRewriteServices(metadata);
        AcmeOrders = acmeOrders;
        GlobexOrders = globexOrders;
        ConsumerOffsets = offsets;
    }

    public MetadataCache Metadata { get; }
    public TenantRewriteServices Services { get; }
    public TopicMetadata AcmeOrders { get; }
    public TopicMetadata GlobexOrders { get; }
    public TopicMetadata ConsumerOffsets { get; }

    public static async Task<TenantTopicsHarness> StartAsync()
    {
        var store = new InMemoryMetadataStore();
        var ct = CancellationToken.None;
        var clusterId = await store.GetOrCreateClusterIdAsync(ct);
        var acme = Topic("acme.orders");
        var globex = Topic("globex.orders");
        var offsets = Topic(TopicNames.ConsumerOffsets);
        foreach (var topic in new[] { acme, globex, offsets })
            await store.CreateTopicAsync(topic, ct);
        var metadata = new MetadataCache(store, store, TimeSpan.FromHours(1), NullLogger<MetadataCache>.Instance);
        await metadata.StartAsync(clusterId, ct);
        return new TenantTopicsHarness(metadata, acme, globex, offsets);
    }

    public static TenantScope Scope(string id) =>
        new(new Tenant(id, id, TenantState.Active, id + "-cluster", TenantLimits.None, DateTimeOffset.UnixEpoch));

    public static ClientSession Session(TenantScope tenant) =>
        new(1, new ListenerEndpoint("PLAINTEXT", "127.0.0.1", 9092), IPAddress.Loopback)
        {
            Principal = KafkaPrincipal.User(tenant.Prefix + "alice"),
            Tenant = tenant,
        };

    public static RequestContext Context(ApiKey api, short version, ClientSession session) => new(api, version, 1, "tenant-tests", session);

    public static RequestContext Context(ApiKey api, short version, TenantScope tenant) => Context(api, version, Session(tenant));

    private static TopicMetadata Topic(string name) => new(name, Guid.NewGuid(), 2, 1, new Dictionary<string, string>());

    public ValueTask DisposeAsync() => Metadata.DisposeAsync();
}
