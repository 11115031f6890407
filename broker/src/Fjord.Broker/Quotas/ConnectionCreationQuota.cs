using System.Collections.Concurrent;
using System.Net;
using Fjord.Security.Quotas;

namespace Fjord.Broker.Quotas;

/// <summary>
/// KIP-612's connection_creation_rate per IP address: the quota of the address's own <c>{ip=…}</c> entity, else
/// of the default <c>{ip=null}</c>. A connection that would take the address over its rate is not served: it is
/// held for the throttle time and then closed (Kafka's delayed close), so a client reconnecting in a loop is slowed
/// to the rate instead of being refused at full speed, and it does not count toward the rate.
/// </summary>
public sealed class ConnectionCreationQuota
{
    private readonly Func<ClientQuotaSnapshot> _quotas;
    private readonly int _samples;
    private readonly double _windowMs;
    private readonly TimeProvider _time;
    private readonly long _origin;
    private readonly ConcurrentDictionary<IPAddress, State> _addresses = new();

    public ConnectionCreationQuota(Func<ClientQuotaSnapshot> quotas, int samples, TimeSpan window, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(quotas);
        ArgumentNullException.ThrowIfNull(time);
        _quotas = quotas;
        _samples = samples;
        _windowMs = window.TotalMilliseconds;
        _time = time;
        _origin = time.GetTimestamp();
    }

    /// <summary>Raised with the hold time of every connection held for going over its address's rate; for metrics.</summary>
    public event Action<TimeSpan>? Throttled;

    /// <summary>Records a new connection from <paramref name="address"/>; returns how long to hold it before closing it, or zero to serve it.</summary>
    public TimeSpan RecordAndGetThrottleTime(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        var snapshot = _quotas();
        var state = _addresses.GetOrAdd(address, static _ => new State());
        if (state.Version != snapshot.Version)
        {
            state.Quota = snapshot.TryGet(ClientQuotaEntity.Of((ClientQuotaEntity.Ip, address.ToString())), ClientQuotaKeys.ConnectionCreationRate, out var own) ? own
                : snapshot.TryGet(ClientQuotaEntity.Of((ClientQuotaEntity.Ip, null)), ClientQuotaKeys.ConnectionCreationRate, out var fallback) ? fallback
                : 0;
            state.Version = snapshot.Version;
        }
        var quota = state.Quota;
        if (quota <= 0) return TimeSpan.Zero;
        var now = _time.GetElapsedTime(_origin).TotalMilliseconds;
        var sensor = state.Sensor ??= new QuotaSensor(_samples, _windowMs);
        var rate = sensor.Record(1, now);
        if (rate <= quota) return TimeSpan.Zero;
        sensor.Unrecord(1);
        rate = sensor.Rate(now, out var windowMs);
        // Already back within the quota without this connection: it still waits the time one more would take.
        var throttleMs = Math.Max((rate + 1000d / windowMs - quota) / quota * windowMs, 1);
        Interlocked.Increment(ref state.Throttled);
        var hold = TimeSpan.FromMilliseconds(Math.Min(throttleMs, _samples * _windowMs));
        Throttled?.Invoke(hold);
        return hold;
    }

    /// <summary>How many connections from <paramref name="address"/> were held and closed for going over its rate.</summary>
    public long ThrottledConnections(IPAddress address) =>
        _addresses.TryGetValue(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address, out var state) ? Interlocked.Read(ref state.Throttled) : 0;

    private sealed class State
    {
        public long Version = long.MinValue;
        public double Quota;
        public QuotaSensor? Sensor;
        public long Throttled;
    }
}
