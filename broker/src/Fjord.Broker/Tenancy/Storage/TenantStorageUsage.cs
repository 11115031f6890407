using System.Collections.Frozen;
using Azure.Data.Tables;
using Fjord.Broker.Configuration;
using Fjord.Broker.Produce;
using Fjord.Broker.Replicas;
using Fjord.Cluster;
using Fjord.Protocol;
using Fjord.Security.Tenancy;
using Fjord.Tiering;
using Microsoft.Extensions.Logging;

namespace Fjord.Broker.Tenancy.Storage;

/// <summary>
/// Each tenant's retained bytes (local + tiered) across the cluster, and the produce refusal of a tenant at its
/// limit (<see cref="TenantLimits.MaxRetainedBytes"/>). Every interval this broker measures the partitions it
/// leads, writes the figures that changed to the usage table, reads every broker's figures and sums them per
/// tenant. A broker's row counts only while the controller's metadata has it leading a partition of that tenant:
/// a dead broker's partitions get other leaders (or none), so its stale row stops counting without this broker
/// having to judge liveness, and a leadership that moved is not counted twice for long. A Table outage keeps the
/// last figures: produce never waits on it.
/// </summary>
public sealed partial class TenantStorageUsage : IAsyncDisposable
{
    public const string TableConfig = "fjord.tenant.usage.table";
    public const string IntervalConfig = "fjord.tenant.usage.interval.ms";
    public const int DefaultIntervalMs = 5000;

    private readonly int _nodeId;
    private readonly ITenantUsageStore _store;
    private readonly Func<IReadOnlyDictionary<string, long>> _measure;
    private readonly TenantCache _tenants;
    private readonly Func<MetadataSnapshot> _metadata;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _oneTick = new(1, 1);
    private Task _loop = Task.CompletedTask;
    private bool _initialized;
    private bool _storeFailing;
    private IReadOnlyList<TenantUsageRow> _rows = [];

    private volatile FrozenDictionary<string, long> _local = FrozenDictionary<string, long>.Empty;
    private volatile FrozenDictionary<string, long> _cluster = FrozenDictionary<string, long>.Empty;

    // Built once per tick, so a refused produce shares one rejection and the allowed path allocates nothing.
    private volatile FrozenDictionary<string, ProduceRejection> _refusals = FrozenDictionary<string, ProduceRejection>.Empty;

    /// <param name="measure">The bytes retained by the partitions this broker leads, by stored topic name.</param>
    /// <param name="metadata">The cluster metadata, for who leads which partition.</param>
    public TenantStorageUsage(int nodeId, ITenantUsageStore store, Func<IReadOnlyDictionary<string, long>> measure, TenantCache tenants,
        Func<MetadataSnapshot> metadata, TimeSpan interval, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(measure);
        ArgumentNullException.ThrowIfNull(tenants);
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(logger);
        _nodeId = nodeId;
        _store = store;
        _measure = measure;
        _tenants = tenants;
        _metadata = metadata;
        _interval = interval > TimeSpan.Zero ? interval : TimeSpan.FromMilliseconds(DefaultIntervalMs);
        _time = time;
        _logger = logger;
    }

    /// <summary>The broker's usage from its configuration: the table <c>fjord.tenant.usage.table</c>, every <c>fjord.tenant.usage.interval.ms</c>.</summary>
    public static TenantStorageUsage Create(BrokerConfig config, TableServiceClient tables, ReplicaManager replicas, RemoteLogManager? tiering,
        TenantCache tenants, MetadataCache metadata, TimeProvider time, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(loggers);
        var store = new TableTenantUsageStore(tables, config.Get(TableConfig) ?? TableTenantUsageStore.DefaultTableName);
        var measure = new LeaderRetainedBytes(replicas, tiering);
        return new TenantStorageUsage(config.NodeId, store, measure.Measure, tenants, () => metadata.Current,
            TimeSpan.FromMilliseconds(config.GetInt(IntervalConfig, DefaultIntervalMs)), time, loggers.CreateLogger<TenantStorageUsage>());
    }

    /// <summary>The tenant's retained bytes summed over the brokers leading its partitions, as of the last tick; 0 if none.</summary>
    public long ClusterRetainedBytes(string tenantId) => _cluster.GetValueOrDefault(tenantId);

    /// <summary>The tenant's retained bytes in the partitions this broker leads, as of the last tick; 0 if none.</summary>
    public long LocalRetainedBytes(string tenantId) => _local.GetValueOrDefault(tenantId);

    /// <summary>
    /// The produce refusal for stored topic <paramref name="topic"/>: POLICY_VIOLATION naming the limit when its
    /// tenant had reached its retained-bytes limit at the last tick; null otherwise (and always for the operator's
    /// topics). Called per topic of every produce: a lookup by the name's prefix, no allocation.
    /// </summary>
    public ProduceRejection? RefusalFor(string topic)
    {
        var refusals = _refusals;
        if (refusals.Count == 0) return null;
        var dot = topic.IndexOf(TenantNamespace.Separator, StringComparison.Ordinal);
        if (dot <= 0) return null;
        return refusals.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(topic.AsSpan(0, dot), out var refusal) ? refusal : null;
    }

    public void Start() => _loop = Task.Run(LoopAsync);

    private async Task LoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(_stopping.Token);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                Log.TickFailed(_logger, e);
            }
            try
            {
                await Task.Delay(_interval, _time, _stopping.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One tick: measure, share what changed, read everyone's figures, decide who is refused (tests call it directly).</summary>
    public async Task RunOnceAsync(CancellationToken ct)
    {
        await _oneTick.WaitAsync(ct);
        try
        {
            var local = LocalByTenant(_measure());
            _local = local.ToFrozenDictionary(StringComparer.Ordinal);
            await ShareAsync(local, ct);
            var cluster = Sum(local, _rows, LeadersByTenant(_metadata()));
            _cluster = cluster.ToFrozenDictionary(StringComparer.Ordinal);
            _refusals = Refusals(cluster);
        }
        finally
        {
            _oneTick.Release();
        }
    }

    private Dictionary<string, long> LocalByTenant(IReadOnlyDictionary<string, long> byTopic)
    {
        var local = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (topic, bytes) in byTopic)
            if (_tenants.OwnerOf(topic) is { } tenant)
                local[tenant.Id] = local.GetValueOrDefault(tenant.Id) + bytes;
        return local;
    }

    /// <summary>Writes this broker's figures that differ from its rows, and keeps the rows read for the sum.</summary>
    private async Task ShareAsync(Dictionary<string, long> local, CancellationToken ct)
    {
        try
        {
            if (!_initialized)
            {
                await _store.InitializeAsync(ct);
                _initialized = true;
            }
            var rows = await _store.ListAsync(ct);
            var now = _time.GetUtcNow();
            var written = new HashSet<string>(StringComparer.Ordinal);
            // Compared with the stored rows, not with what this process last wrote: a restart (or a write lost to
            // an outage) corrects whatever an earlier incarnation left.
            foreach (var row in rows)
            {
                if (row.BrokerId != _nodeId) continue;
                written.Add(row.TenantId);
                var bytes = local.GetValueOrDefault(row.TenantId);
                if (!_tenants.TryGet(row.TenantId, out _))
                    await _store.DeleteAsync(row.TenantId, _nodeId, ct);
                else if (row.RetainedBytes != bytes)
                    await _store.WriteAsync(row.TenantId, _nodeId, bytes, now, ct);
            }
            foreach (var (tenant, bytes) in local)
                if (!written.Contains(tenant))
                    await _store.WriteAsync(tenant, _nodeId, bytes, now, ct);
            _rows = rows;
            if (_storeFailing)
            {
                _storeFailing = false;
                Log.StoreRecovered(_logger);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // Produce goes on with the last figures read; one warning per outage, not one per tick.
            if (!_storeFailing)
            {
                _storeFailing = true;
                Log.StoreFailing(_logger, e);
            }
        }
    }

    /// <summary>Which brokers lead at least one partition of each tenant, by the controller's partition states.</summary>
    private static Dictionary<string, HashSet<int>> LeadersByTenant(MetadataSnapshot snapshot)
    {
        var leaders = new Dictionary<string, HashSet<int>>(StringComparer.Ordinal);
        string? lastTopic = null;
        HashSet<int>? brokers = null;
        foreach (var state in snapshot.Partitions.Values)
        {
            if (state.Leader < 0) continue;
            if (!ReferenceEquals(state.Topic, lastTopic))
            {
                lastTopic = state.Topic;
                brokers = TenantNamespace.TryGetTenantId(state.Topic, out var tenant)
                    ? leaders.TryGetValue(tenant, out var known) ? known : leaders[tenant] = []
                    : null;
            }
            brokers?.Add(state.Leader);
        }
        return leaders;
    }

    private Dictionary<string, long> Sum(Dictionary<string, long> local, IReadOnlyList<TenantUsageRow> rows, Dictionary<string, HashSet<int>> leaders)
    {
        // This broker's own figure is the fresh one just measured, never its row.
        var cluster = new Dictionary<string, long>(local, StringComparer.Ordinal);
        foreach (var row in rows)
        {
            if (row.BrokerId == _nodeId || row.RetainedBytes <= 0) continue;
            if (!leaders.TryGetValue(row.TenantId, out var brokers) || !brokers.Contains(row.BrokerId)) continue;
            cluster[row.TenantId] = cluster.GetValueOrDefault(row.TenantId) + row.RetainedBytes;
        }
        return cluster;
    }

    private FrozenDictionary<string, ProduceRejection> Refusals(Dictionary<string, long> cluster)
    {
        Dictionary<string, ProduceRejection>? refusals = null;
        foreach (var tenant in _tenants.Tenants)
        {
            if (tenant.Limits.MaxRetainedBytes is not { } max) continue;
            var used = cluster.GetValueOrDefault(tenant.Id);
            if (used < max) continue;
            (refusals ??= new(StringComparer.Ordinal))[tenant.Id] = new ProduceRejection(ErrorCode.PolicyViolation,
                $"Tenant {tenant.Id} has reached its limit of {max} retained bytes (using {used}); delete records or topics, or ask for a higher limit");
        }
        return refusals is null ? FrozenDictionary<string, ProduceRejection>.Empty : refusals.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _loop;
        _stopping.Dispose();
        _oneTick.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7741, Level = LogLevel.Warning, Message = "The tenant usage table is out of reach; storage limits go on with the last figures read")]
        public static partial void StoreFailing(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 7742, Level = LogLevel.Information, Message = "The tenant usage table is reachable again")]
        public static partial void StoreRecovered(ILogger logger);

        [LoggerMessage(EventId = 7743, Level = LogLevel.Warning, Message = "Measuring tenant storage failed; will retry")]
        public static partial void TickFailed(ILogger logger, Exception exception);
    }
}
