using System.Net;
using Fjord.Broker.Configuration;
using Fjord.Broker.Handlers.Quotas;
using Fjord.Broker.Network;
using Fjord.Broker.Quotas;
using Fjord.Broker.Security;
using Fjord.Broker.Tenancy.Quotas;
using Fjord.Protocol;
using Fjord.Security.Principals;
using Fjord.Security.Quotas;
using Fjord.Security.Tenancy;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Fjord.Broker.Tests.Quotas;

/// <summary>
/// The two quota handlers over one in-memory store and its cache, with their tenant rewrites, driven the way the
/// network layer drives them: each request encoded at the version under test, each response decoded at it.
/// </summary>
internal sealed class QuotaHandlerScenario : IAsyncDisposable
{
    public static readonly TenantScope Acme = Scope("acme");
    public static readonly TenantScope Globex = Scope("globex");

    private QuotaHandlerScenario(InMemoryClientQuotaStore store, ClientQuotaCache cache)
    {
        Store = store;
        Cache = cache;
        Describe = new DescribeClientQuotasHandler(store, AllowAllAuthorizer.Instance) { TenantRewrite = DescribeClientQuotasRewrite.Instance };
        Alter = new AlterClientQuotasHandler(store, cache, AllowAllAuthorizer.Instance) { TenantRewrite = AlterClientQuotasRewrite.Instance };
    }

    public InMemoryClientQuotaStore Store { get; }
    public ClientQuotaCache Cache { get; }
    public DescribeClientQuotasHandler Describe { get; }
    public AlterClientQuotasHandler Alter { get; }

    public static async Task<QuotaHandlerScenario> StartAsync(CancellationToken ct)
    {
        var store = new InMemoryClientQuotaStore();
        // Nobody advances this clock: only the handler's refreshes move the cache.
        var cache = new ClientQuotaCache(store, TimeSpan.FromSeconds(1), new FakeTimeProvider(), NullLogger.Instance);
        await cache.StartAsync(ct);
        return new QuotaHandlerScenario(store, cache);
    }

    public static AlterClientQuotasRequest.EntryData Set(string key, double value, params (string Type, string? Name)[] entity) => new()
    {
        Entity = [.. entity.Select(e => new AlterClientQuotasRequest.EntityData { EntityType = e.Type, EntityName = e.Name })],
        Ops = [new() { Key = key, Value = value }],
    };

    public static AlterClientQuotasRequest.EntryData Remove(string key, params (string Type, string? Name)[] entity) => new()
    {
        Entity = [.. entity.Select(e => new AlterClientQuotasRequest.EntityData { EntityType = e.Type, EntityName = e.Name })],
        Ops = [new() { Key = key, Remove = true }],
    };

    public static DescribeClientQuotasRequest Filter(bool strict, params (string Type, sbyte MatchType, string? Match)[] components) => new()
    {
        Strict = strict,
        Components = [.. components.Select(c => new DescribeClientQuotasRequest.ComponentData { EntityType = c.Type, MatchType = c.MatchType, Match = c.Match })],
    };

    public Task<AlterClientQuotasResponse> AlterAsync(TenantScope? tenant, short version, CancellationToken ct, bool validateOnly = false, params AlterClientQuotasRequest.EntryData[] entries) =>
        SendAsync<AlterClientQuotasRequest, AlterClientQuotasResponse>(Alter, ApiKey.AlterClientQuotas, new AlterClientQuotasRequest { Entries = [.. entries], ValidateOnly = validateOnly }, version, tenant, ct);

    public Task<DescribeClientQuotasResponse> DescribeAsync(TenantScope? tenant, DescribeClientQuotasRequest request, short version, CancellationToken ct) =>
        SendAsync<DescribeClientQuotasRequest, DescribeClientQuotasResponse>(Describe, ApiKey.DescribeClientQuotas, request, version, tenant, ct);

    public ValueTask DisposeAsync() => Cache.DisposeAsync();

    private static TenantScope Scope(string id) =>
        new(new Tenant(id, id, TenantState.Active, "cluster-" + id, TenantLimits.None, DateTimeOffset.UnixEpoch));

    private static async Task<TResponse> SendAsync<TRequest, TResponse>(ApiHandler handler, ApiKey apiKey, TRequest request, short version, TenantScope? tenant, CancellationToken ct)
        where TRequest : IKafkaMessage
        where TResponse : IKafkaMessage, new()
    {
        Assert.InRange(version, handler.MinVersion, handler.MaxVersion);
        using var body = new ResponseBuffer();
        var writer = new KafkaWriter(body);
        request.Write(ref writer, version);
        var session = new ClientSession(1, new ListenerEndpoint("PLAINTEXT", "127.0.0.1", 9092), IPAddress.Loopback)
        {
            Principal = KafkaPrincipal.User(tenant is null ? "admin" : tenant.Prefix + "admin"),
            Tenant = tenant,
        };
        var context = new RequestContext(apiKey, version, CorrelationId: 7, ClientId: "quota-tests", session);
        using var output = new ResponseBuffer();

        Assert.True(await handler.HandleAsync(context, body.WrittenMemory.ToArray(), output, ct));

        var response = new TResponse();
        var reader = new KafkaReader(output.WrittenMemory);
        response.Read(ref reader, version);
        Assert.Equal(0, reader.Remaining);
        return response;
    }
}
