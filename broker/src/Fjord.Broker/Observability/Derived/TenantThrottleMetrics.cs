using System.Diagnostics;
using System.Diagnostics.Metrics;
using Fjord.Broker.Quotas;

namespace Fjord.Broker.Observability.Derived;

/// <summary>
/// Every throttle this broker imposes, per tenant and quota type: <c>fjord.quota.throttles</c> (how many responses
/// or connections were throttled) and <c>fjord.quota.throttle.time</c> (the throttle time handed out, ms), with the
/// attributes <c>tenant</c> (empty for clients outside tenancy, and for connection_creation, which is judged per
/// IP address before anyone has authenticated) and <c>quota.type</c> (produce, fetch, request, controller_mutation,
/// connection_creation). Kafka's counterparts are the throttle-time sensors of
/// <c>kafka.server:type=Produce|Fetch|Request|ControllerMutation</c>. A request over two quotas at once (its
/// bytes and its handler time) counts once under each.
/// </summary>
/// <example><code>var throttles = new TenantThrottleMetrics(meter, quotas);</code></example>
public sealed class TenantThrottleMetrics : IDisposable
{
    public const string ThrottlesInstrument = "fjord.quota.throttles";
    public const string ThrottleTimeInstrument = "fjord.quota.throttle.time";
    public const string TenantAttribute = "tenant";
    public const string QuotaTypeAttribute = "quota.type";

    private readonly BrokerQuotas _quotas;
    private readonly Counter<long> _throttles;
    private readonly Counter<long> _throttleTime;
    private readonly Action<string?, int> _produce;
    private readonly Action<string?, int> _fetch;
    private readonly Action<string?, int> _request;
    private readonly Action<string?, int> _controllerMutation;

    /// <param name="meter">The broker's meter ("Fjord.Broker").</param>
    /// <param name="quotas">The broker's client quotas, whose throttles are counted from now on.</param>
    public TenantThrottleMetrics(Meter meter, BrokerQuotas quotas)
    {
        ArgumentNullException.ThrowIfNull(meter);
        ArgumentNullException.ThrowIfNull(quotas);
        _quotas = quotas;
        _throttles = meter.CreateCounter<long>(ThrottlesInstrument, "{throttle}", "Responses (or new connections) throttled for going over a client quota");
        _throttleTime = meter.CreateCounter<long>(ThrottleTimeInstrument, "ms", "Throttle time handed out for going over a client quota");
        _produce = (tenant, ms) => Record(tenant, "produce", ms);
        _fetch = (tenant, ms) => Record(tenant, "fetch", ms);
        _request = (tenant, ms) => Record(tenant, "request", ms);
        _controllerMutation = (tenant, ms) => Record(tenant, "controller_mutation", ms);
        quotas.Produce.Throttled += _produce;
        quotas.Fetch.Throttled += _fetch;
        quotas.Request.Throttled += _request;
        quotas.ControllerMutation.Throttled += _controllerMutation;
        quotas.Connections.Throttled += OnConnectionThrottled;
    }

    private void OnConnectionThrottled(TimeSpan hold) => Record(null, "connection_creation", (long)Math.Ceiling(hold.TotalMilliseconds));

    private void Record(string? tenant, string quotaType, long throttleMs)
    {
        var tags = new TagList { { TenantAttribute, tenant ?? "" }, { QuotaTypeAttribute, quotaType } };
        _throttles.Add(1, tags);
        _throttleTime.Add(throttleMs, tags);
    }

    public void Dispose()
    {
        _quotas.Produce.Throttled -= _produce;
        _quotas.Fetch.Throttled -= _fetch;
        _quotas.Request.Throttled -= _request;
        _quotas.ControllerMutation.Throttled -= _controllerMutation;
        _quotas.Connections.Throttled -= OnConnectionThrottled;
    }
}
