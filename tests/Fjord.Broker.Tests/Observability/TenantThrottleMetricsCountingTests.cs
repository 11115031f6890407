using System.Diagnostics.Metrics;
using System.Net;
using Fjord.Broker.Observability;
using Fjord.Broker.Observability.Derived;
using Fjord.Broker.Quotas;
using Fjord.Security.Quotas;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Fjord.Broker.Tests.Observability;

/// <summary>Every quota type's throttles, on a fake clock: counted once each, with the very time handed to the client, under the client's tenant.</summary>
public sealed class TenantThrottleMetricsCountingTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new();
    private readonly InMemoryClientQuotaStore _store = new();
    private ClientQuotaCache _cache = null!;
    private BrokerQuotas _quotas = null!;

    public async Task InitializeAsync()
    {
        _cache = new ClientQuotaCache(_store, TimeSpan.FromSeconds(1), _time, NullLogger.Instance);
        await _cache.StartAsync(CancellationToken.None);
        _quotas = new BrokerQuotas(_store, _cache, new QuotaConfig(), () => 1, _time, NullLoggerFactory.Instance);
        foreach (var key in (string[])[ClientQuotaKeys.ProducerByteRate, ClientQuotaKeys.ConsumerByteRate, ClientQuotaKeys.RequestPercentage, ClientQuotaKeys.ControllerMutationRate])
            await _store.AlterAsync(ClientQuotaEntity.Of(("user", null)), [new(key, 1)], CancellationToken.None);
        await _store.AlterAsync(ClientQuotaEntity.Of(("ip", null)), [new(ClientQuotaKeys.ConnectionCreationRate, 1)], CancellationToken.None);
        await _cache.RefreshAsync(CancellationToken.None);
    }

    public async Task DisposeAsync() => await _quotas.DisposeAsync();

    [Fact]
    public void EachQuotaTypesThrottleIsCountedWithItsTimeUnderTheClientsTenant()
    {
        using var meter = new Meter("Fjord.Broker");
        using var recorder = new MetricsRecorder(meter);
        var expected = new Dictionary<(string Tenant, string Type), long>();
        using (new TenantThrottleMetrics(meter, _quotas))
        {
            foreach (var (type, manager) in (ReadOnlySpan<(string, ClientQuotaManager)>)[("produce", _quotas.Produce), ("fetch", _quotas.Fetch),
                ("request", _quotas.Request), ("controller_mutation", _quotas.ControllerMutation)])
            {
                expected[("acme", type)] = manager.RecordAndGetThrottleTimeMs("acme", "acme.bob", "app", 1_000);
                expected[("", type)] = manager.RecordAndGetThrottleTimeMs(null, "operator", "tool", 1_000);
            }
            var held = TimeSpan.Zero;
            for (var i = 0; i < 100 && held == TimeSpan.Zero; i++) held = _quotas.Connections.RecordAndGetThrottleTime(IPAddress.Loopback);
            Assert.True(held > TimeSpan.Zero, "no connection was held");
            expected[("", "connection_creation")] = (long)Math.Ceiling(held.TotalMilliseconds);
        }
        // Disposed: no longer listening.
        Assert.True(_quotas.Produce.RecordAndGetThrottleTimeMs("acme", "acme.bob", "app", 1_000) > 0);

        Assert.All(expected.Values, ms => Assert.True(ms > 0));
        foreach (var ((tenant, type), ms) in expected)
        {
            bool Match(IReadOnlyDictionary<string, object?> t) =>
                (string?)t[TenantThrottleMetrics.TenantAttribute] == tenant && (string?)t[TenantThrottleMetrics.QuotaTypeAttribute] == type;
            Assert.Equal(1, recorder.Sum(TenantThrottleMetrics.ThrottlesInstrument, Match));
            Assert.Equal(ms, recorder.Sum(TenantThrottleMetrics.ThrottleTimeInstrument, Match));
        }
        Assert.Equal(expected.Count, recorder.TagSets(TenantThrottleMetrics.ThrottlesInstrument).Count);
    }
}
