using System.Net;
using Fjord.Broker.Configuration;
using Fjord.Broker.Network;
using Fjord.Broker.Quotas;
using Fjord.Protocol;
using Fjord.Security.Principals;
using Fjord.Security.Quotas;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Fjord.Broker.Tests.Quotas;

/// <summary>What each request counts for, and the mute a throttled one leaves on its connection, on a fake clock.</summary>
public sealed class BrokerQuotasTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new();
    private readonly InMemoryClientQuotaStore _store = new();
    private ClientQuotaCache _cache = null!;
    private BrokerQuotas _quotas = null!;

    private IRequestQuotas Hook => _quotas;

    public async Task InitializeAsync()
    {
        _cache = new ClientQuotaCache(_store, TimeSpan.FromSeconds(1), _time, NullLogger.Instance);
        await _cache.StartAsync(CancellationToken.None);
        _quotas = new BrokerQuotas(_store, _cache, new QuotaConfig(), () => 1, _time, NullLoggerFactory.Instance);
    }

    public async Task DisposeAsync() => await _quotas.DisposeAsync();

    private async Task SetAsync(string key, double value, params (string, string?)[] entity)
    {
        await _store.AlterAsync(ClientQuotaEntity.Of(entity), [new(key, value)], CancellationToken.None);
        await _cache.RefreshAsync(CancellationToken.None);
    }

    private static RequestContext Context(ApiKey api, short version = 9) =>
        new(api, version, 1, "app", new ClientSession(1, new ListenerEndpoint("PLAINTEXT", "127.0.0.1", 9092), IPAddress.Loopback) { Principal = KafkaPrincipal.User("alice") });

    [Fact]
    public async Task RequestPercentageCountsTheTimeAHandlerWorkedNotTheTimeItWaited()
    {
        await SetAsync(ClientQuotaKeys.RequestPercentage, 10, ("user", "alice"));
        var waiting = Context(ApiKey.Fetch);
        var started = Hook.Timestamp();
        _time.Advance(TimeSpan.FromSeconds(2));
        // Two seconds, all of them waiting (a long poll): nothing counted.
        Assert.Equal(0, Hook.Record(waiting, new FetchRequest(), new FetchResponse(), 100, started, (long)(2 * _time.TimestampFrequency)));

        var working = Context(ApiKey.Metadata);
        started = Hook.Timestamp();
        _time.Advance(TimeSpan.FromSeconds(2));
        // Two seconds of work is 200 (% of a thread-second) in a 10 s window: 20 against 10, throttled (20 − 10) / 10 × 10 s.
        var throttle = Hook.Record(working, new MetadataRequest(), new MetadataResponse(), 100, started, 0);
        Assert.InRange(throttle, 9_000, 11_000);
        Assert.True(working.Session.MutedUntil > _time.GetTimestamp());
    }

    [Fact]
    public async Task TheSaslExchangeAndApiVersionsAreNeverThrottled()
    {
        await SetAsync(ClientQuotaKeys.RequestPercentage, 0.001, ("user", "alice"));
        foreach (var api in new[] { ApiKey.ApiVersions, ApiKey.SaslHandshake, ApiKey.SaslAuthenticate })
        {
            var started = Hook.Timestamp();
            _time.Advance(TimeSpan.FromSeconds(1));
            Assert.Equal(0, Hook.Record(Context(api), new ApiVersionsRequest(), new ApiVersionsResponse(), 10, started, 0));
        }
    }

    [Fact]
    public async Task AnAcksZeroProduceWithoutAResponseIsThrottledAllTheSame()
    {
        await SetAsync(ClientQuotaKeys.ProducerByteRate, 1000, ("client-id", "app"));
        var context = Context(ApiKey.Produce);

        var throttle = Hook.Record(context, new ProduceRequest(), null, 20_000, Hook.Timestamp(), 0);

        Assert.Equal(10_000, throttle);
        Assert.True(context.Session.MutedUntil > _time.GetTimestamp());
    }

    [Fact]
    public async Task AFollowersFetchIsNotAConsumers()
    {
        await SetAsync(ClientQuotaKeys.ConsumerByteRate, 1, ("user", null));
        var response = new FetchResponse { Responses = [new() { Partitions = [new() { Records = new ReadOnlyMemory<byte>(System.Buffers.ArrayPool<byte>.Shared.Rent(100_000), 0, 100_000) }] }] };

        Assert.Equal(0, Hook.Record(Context(ApiKey.Fetch, 12), new FetchRequest { ReplicaId = 2 }, response, 100, Hook.Timestamp(), 0));
        Assert.Equal(100_000, response.Responses[0].Partitions[0].Records!.Value.Length);

        Assert.True(Hook.Record(Context(ApiKey.Fetch, 12), new FetchRequest { ReplicaId = -1 }, response, 100, Hook.Timestamp(), 0) > 0);
        // Throttled, the consumer's fetch goes without its records (returned to their pool), as in Kafka.
        Assert.Equal(0, response.Responses[0].Partitions[0].Records!.Value.Length);
    }
}
