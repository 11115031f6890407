using System.Collections.Concurrent;
using Fjord.Security.Quotas;
using Microsoft.Extensions.Logging;

namespace Fjord.Broker.Quotas;

/// <summary>
/// Enforces one client quota (Kafka's ClientQuotaManager): finds the quota that applies to a (user, client-id) in
/// Kafka's precedence order, records what the client used on the sensor that quota's entity shares (a default user
/// quota gives each user a sensor of their own, a client-id quota one per client id), and turns a rate over the
/// quota into Kafka's throttle time, <c>(rate − quota) / quota × window</c>: how long the client must stay silent
/// for the rate to fall back to the quota. A tenant's client is also held to its tenant's cap, a cluster-wide
/// figure of which this broker enforces its share, the cap divided by the live brokers, on one sensor for all the
/// tenant's clients; the larger throttle wins. Lookups are cached per client until the quotas change, so a
/// request costs one dictionary lookup and a sensor update, without allocating.
/// </summary>
public sealed partial class ClientQuotaManager
{
    private static readonly TimeSpan InactiveSensorExpiry = TimeSpan.FromHours(1);
    private const double StrictCheckSlackMs = 5;

    private readonly Func<ClientQuotaSnapshot> _quotas;
    private readonly Func<int> _liveBrokers;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly long _origin;
    private readonly int _samples;
    private readonly double _windowMs;
    private readonly ConcurrentDictionary<ClientKey, ClientState> _clients = new();
    private readonly ConcurrentDictionary<string, QuotaSensor> _sensors = new(StringComparer.Ordinal);
    private double _lastSweepMs;

    /// <param name="quotaKey">The quota this manager enforces (<see cref="ClientQuotaKeys"/>).</param>
    /// <param name="quotas">The quotas in force (the quota cache's snapshot).</param>
    /// <param name="samples">quota.window.num.</param>
    /// <param name="window">quota.window.size.seconds.</param>
    /// <param name="liveBrokers">How many brokers share a tenant's cap (the metadata cache's live brokers).</param>
    public ClientQuotaManager(string quotaKey, Func<ClientQuotaSnapshot> quotas, int samples, TimeSpan window, Func<int> liveBrokers, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(quotas);
        ArgumentNullException.ThrowIfNull(liveBrokers);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        QuotaKey = quotaKey;
        _quotas = quotas;
        _liveBrokers = liveBrokers;
        _time = time;
        _logger = logger;
        _origin = time.GetTimestamp();
        _samples = samples;
        _windowMs = window.TotalMilliseconds;
    }

    public string QuotaKey { get; }

    /// <summary>Raised on every throttled recording, with the client's tenant (null outside tenancy) and the throttle in ms; for metrics.</summary>
    public event Action<string?, int>? Throttled;

    /// <summary>The longest throttle: the whole window, after which everything recorded has aged out.</summary>
    public double MaxThrottleTimeMs => _samples * _windowMs;

    /// <summary>Whether any quota applies to this client at all (no quota, nothing to record).</summary>
    public bool HasQuota(string? tenant, string user, string clientId) => Resolve(tenant, user, clientId).Resolved.Limited;

    /// <summary>Records <paramref name="value"/> for the client and returns how long it must now be throttled (0 when within its quotas).</summary>
    public int RecordAndGetThrottleTimeMs(string? tenant, string user, string clientId, double value)
    {
        // The usual case, no client quota anywhere, costs no lookup.
        if (_quotas().Quotas.Count == 0) return 0;
        var state = Resolve(tenant, user, clientId);
        var resolved = state.Resolved;
        if (!resolved.Limited) return 0;
        var now = NowMs();
        state.LastUsedMs = now;
        double own = 0, cap = 0;
        if (resolved.Sensor is { } sensor)
            own = sensor.RecordAndGetThrottleMs(value, now, resolved.Quota);
        if (resolved.TenantSensor is { } tenantSensor)
            cap = tenantSensor.RecordAndGetThrottleMs(value, now, TenantShare(resolved.TenantQuota));
        var throttle = (int)Math.Min(Math.Ceiling(Math.Max(own, cap)), MaxThrottleTimeMs);
        if (throttle > 0)
        {
            Interlocked.Increment(ref state.Throttles);
            Interlocked.Add(ref state.ThrottleTimeMs, throttle);
            Throttled?.Invoke(tenant, throttle);
            if (cap > own) Interlocked.Increment(ref state.ThrottledByTenantCap);
            if (Interlocked.Exchange(ref state.Throttled, 1) == 0)
                LogThrottled(QuotaKey, tenant ?? "-", user, clientId, cap > own ? $"tenant cap {resolved.TenantEntity}" : $"{resolved.Entity}", throttle);
        }
        else
        {
            Volatile.Write(ref state.Throttled, 0);
        }
        return throttle;
    }

    /// <summary>
    /// Whether the client is over a quota already, before recording anything: KIP-599's strict check, which refuses
    /// a mutation while the rate is above the quota but lets one through (however large) while it is not.
    /// </summary>
    public bool IsExceeded(string? tenant, string user, string clientId)
    {
        var resolved = Resolve(tenant, user, clientId).Resolved;
        if (!resolved.Limited) return false;
        // Judged a few milliseconds on: the throttle time is exactly when the rate is back at the quota, and the mute
        // that holds the client that long ends on a timer counting a coarse clock (4 ms ticks on Linux), which can let
        // its next request in a tick early, to be refused for a rate a hair over the quota.
        var now = NowMs() + StrictCheckSlackMs;
        return (resolved.Sensor is { } sensor && sensor.Rate(now, out _) > resolved.Quota)
            || (resolved.TenantSensor is { } tenantSensor && tenantSensor.Rate(now, out _) > TenantShare(resolved.TenantQuota));
    }

    /// <summary>Takes back a value just recorded (a fetch response replaced by an empty one because it was throttled).</summary>
    public void Unrecord(string? tenant, string user, string clientId, double value)
    {
        var resolved = Resolve(tenant, user, clientId).Resolved;
        resolved.Sensor?.Unrecord(value);
        resolved.TenantSensor?.Unrecord(value);
    }

    /// <summary>Every client this broker has seen with a quota, or those of one tenant (and one user): rates against quotas, throttles.</summary>
    public IReadOnlyList<QuotaUsage> Usage(string? tenant = null, string? user = null)
    {
        var now = NowMs();
        var usage = new List<QuotaUsage>();
        foreach (var (key, state) in _clients)
        {
            if (tenant is not null && key.Tenant != tenant) continue;
            if (user is not null && key.User != user) continue;
            var r = state.Resolved;
            if (!r.Limited) continue;
            usage.Add(new QuotaUsage(QuotaKey, key.Tenant, key.User, key.ClientId, r.Entity?.ToString(), r.Sensor is null ? null : r.Quota,
                r.Sensor?.Rate(now, out _) ?? 0, r.TenantSensor is null ? null : r.TenantQuota, r.TenantSensor is null ? null : TenantShare(r.TenantQuota),
                r.TenantSensor?.Rate(now, out _) ?? 0, Interlocked.Read(ref state.Throttles), Interlocked.Read(ref state.ThrottleTimeMs),
                Interlocked.Read(ref state.ThrottledByTenantCap)));
        }
        return usage;
    }

    private double TenantShare(double quota) => quota / Math.Max(1, _liveBrokers());

    private double NowMs() => _time.GetElapsedTime(_origin).TotalMilliseconds;

    private ClientState Resolve(string? tenant, string user, string clientId)
    {
        var snapshot = _quotas();
        var key = new ClientKey(tenant, user, clientId);
        if (!_clients.TryGetValue(key, out var state))
        {
            SweepIdle();
            state = _clients.GetOrAdd(key, static k => new ClientState());
        }
        if (state.Resolved.Version != snapshot.Version)
            state.Resolved = ResolveQuotas(snapshot, key);
        return state;
    }

    /// <summary>Kafka's precedence, most specific first; a tenant's client looks at its tenant's entities before the cluster's.</summary>
    private Resolved ResolveQuotas(ClientQuotaSnapshot snapshot, ClientKey key)
    {
        ClientQuotaEntity? entity = null;
        double quota = 0;
        string? sensorKey = null;
        string?[] scopes = key.Tenant is null ? [null] : [key.Tenant, null];
        foreach (var scope in scopes)
        {
            foreach (var (userPart, clientPart, sharesByUser, sharesByClient) in Precedence(key.User, key.ClientId))
            {
                var candidate = Entity(scope, userPart, clientPart);
                if (!snapshot.TryGet(candidate, QuotaKey, out quota)) continue;
                entity = candidate;
                sensorKey = $"{scope}|{(sharesByUser ? key.User : "")}|{(sharesByClient ? key.ClientId : "")}|{candidate}";
                break;
            }
            if (entity is not null) break;
        }
        ClientQuotaEntity? tenantEntity = null;
        double tenantQuota = 0;
        if (key.Tenant is not null)
        {
            foreach (var candidate in (ClientQuotaEntity[])[ClientQuotaEntity.Of((ClientQuotaEntity.Tenant, key.Tenant)), ClientQuotaEntity.Of((ClientQuotaEntity.Tenant, null))])
            {
                if (!snapshot.TryGet(candidate, QuotaKey, out tenantQuota)) continue;
                tenantEntity = candidate;
                break;
            }
        }
        return new Resolved(snapshot.Version, entity, quota, sensorKey is null ? null : Sensor(sensorKey),
            tenantEntity, tenantQuota, tenantEntity is null ? null : Sensor("tenant|" + key.Tenant));
    }

    /// <summary>
    /// Kafka's eight levels: (user, client-id), (user, default client-id), user, (default user, client-id),
    /// (default user, default client-id), default user, client-id, default client-id; with which of the client's
    /// names its sensor is shared by (a default entity stands for each name, so it is that name's own sensor).
    /// </summary>
    private static IEnumerable<((bool Present, string? Name) User, (bool Present, string? Name) Client, bool SharesByUser, bool SharesByClient)> Precedence(string user, string clientId)
    {
        yield return ((true, user), (true, clientId), true, true);
        yield return ((true, user), (true, null), true, true);
        yield return ((true, user), (false, null), true, false);
        yield return ((true, null), (true, clientId), true, true);
        yield return ((true, null), (true, null), true, true);
        yield return ((true, null), (false, null), true, false);
        yield return ((false, null), (true, clientId), false, true);
        yield return ((false, null), (true, null), false, true);
    }

    private static ClientQuotaEntity Entity(string? tenant, (bool Present, string? Name) user, (bool Present, string? Name) client)
    {
        var components = new List<(string, string?)>(3);
        if (tenant is not null) components.Add((ClientQuotaEntity.Tenant, tenant));
        if (user.Present) components.Add((ClientQuotaEntity.User, user.Name));
        if (client.Present) components.Add((ClientQuotaEntity.ClientId, client.Name));
        return ClientQuotaEntity.Of([.. components]);
    }

    private QuotaSensor Sensor(string key) => _sensors.GetOrAdd(key, static (_, self) => new QuotaSensor(self._samples, self._windowMs), this);

    /// <summary>Kafka drops a client's sensors after an hour without use; so do we, so client ids that come and go do not pile up.</summary>
    private void SweepIdle()
    {
        var now = NowMs();
        if (_clients.Count < 1024 || now - _lastSweepMs < 60_000) return;
        _lastSweepMs = now;
        var expiry = InactiveSensorExpiry.TotalMilliseconds;
        foreach (var (key, state) in _clients)
            if (now - state.LastUsedMs > expiry) _clients.TryRemove(key, out _);
        foreach (var (key, sensor) in _sensors)
            if (now - sensor.LastRecordMs > expiry) _sensors.TryRemove(key, out _);
    }

    private readonly record struct ClientKey(string? Tenant, string User, string ClientId);

    private sealed record Resolved(long Version, ClientQuotaEntity? Entity, double Quota, QuotaSensor? Sensor, ClientQuotaEntity? TenantEntity, double TenantQuota, QuotaSensor? TenantSensor)
    {
        public static readonly Resolved Unresolved = new(long.MinValue, null, 0, null, null, 0, null);

        public bool Limited => Sensor is not null || TenantSensor is not null;
    }

    private sealed class ClientState
    {
        public volatile Resolved Resolved = Resolved.Unresolved;
        public double LastUsedMs;
        public long Throttles;
        public long ThrottleTimeMs;
        public long ThrottledByTenantCap;
        public int Throttled;
    }

    [LoggerMessage(EventId = 9101, Level = LogLevel.Information, Message = "Throttling {QuotaKey} of tenant {Tenant} user {User} client {ClientId} by {Quota}: {ThrottleTimeMs} ms")]
    private partial void LogThrottled(string quotaKey, string tenant, string user, string clientId, string quota, int throttleTimeMs);
}
