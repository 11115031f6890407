using System.Diagnostics;
using System.Diagnostics.Metrics;
using Azure.Data.Tables;
using Fjord.Broker.Configuration;
using Fjord.Broker.Operations;
using Fjord.Broker.Replicas;
using Fjord.Cluster;
using Fjord.Groups;
using Fjord.Security.Tenancy;
using Microsoft.Extensions.Logging;

namespace Fjord.Broker.Observability.Derived;

/// <summary>
/// Consumer lag of the groups this broker coordinates, as kafka-exporter's <c>kafka_consumergroup_lag</c>: the
/// observable gauge <c>kafka.consumergroup.lag</c> with attributes <c>consumergroup</c>, <c>topic</c>,
/// <c>partition</c> (stored, tenant-prefixed names) and <c>tenant</c> (empty outside tenancy), valued the
/// partition's high watermark less the group's committed offset — what a read_uncommitted consumer has still to
/// read (never below 0). The high watermark is the local replica's when this broker leads the partition, else the
/// newest row its leader published to the partition stats table (<see cref="PartitionStatsPublisher"/>), which a
/// background loop reads every <c>fjord.consumer.lag.refresh.ms</c> (default 5000); so a remote partition's lag
/// is up to that plus <c>fjord.partition.stats.interval.ms</c> old. Collection itself does no I/O: it reads the
/// coordinator's in-memory offsets, the local logs and the last table snapshot. A partition whose high watermark
/// is not known yet is left out rather than reported as a made-up figure.
/// </summary>
/// <example><code>var consumerLag = ConsumerLagMetrics.Create(meter, config, tables, groups, replicas, security.Tenants, time, loggers); consumerLag.Start();</code></example>
public sealed partial class ConsumerLagMetrics : IAsyncDisposable
{
    public const string LagInstrument = "kafka.consumergroup.lag";
    public const string RefreshIntervalConfig = "fjord.consumer.lag.refresh.ms";
    public const int DefaultRefreshIntervalMs = 5000;

    private readonly GroupCoordinator _groups;
    private readonly ReplicaManager _replicas;
    private readonly TenantCache _tenants;
    private readonly TablePartitionStatsStore _stats;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _oneRefresh = new(1, 1);
    private Task _loop = Task.CompletedTask;
    private bool _failing;

    // Replaced whole by each refresh; collection reads whichever snapshot is current.
    private volatile IReadOnlyDictionary<(string Topic, int Partition), long> _remoteHighWatermarks = new Dictionary<(string, int), long>();

    /// <param name="meter">The broker's meter ("Fjord.Broker").</param>
    /// <param name="groups">The broker's group coordinator: whose committed offsets are measured.</param>
    /// <param name="replicas">The broker's replicas: the high watermark of the partitions it leads.</param>
    /// <param name="tenants">Tells each stored group and topic name's tenant.</param>
    /// <param name="stats">The partition stats table the leaders publish to.</param>
    /// <param name="refreshInterval">How often the stats of partitions led elsewhere are re-read.</param>
    public ConsumerLagMetrics(Meter meter, GroupCoordinator groups, ReplicaManager replicas, TenantCache tenants, TablePartitionStatsStore stats,
        TimeSpan refreshInterval, TimeProvider time, ILogger<ConsumerLagMetrics> logger)
    {
        ArgumentNullException.ThrowIfNull(meter);
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentNullException.ThrowIfNull(replicas);
        ArgumentNullException.ThrowIfNull(tenants);
        ArgumentNullException.ThrowIfNull(stats);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _groups = groups;
        _replicas = replicas;
        _tenants = tenants;
        _stats = stats;
        _interval = refreshInterval > TimeSpan.Zero ? refreshInterval : TimeSpan.FromMilliseconds(DefaultRefreshIntervalMs);
        _time = time;
        _logger = logger;
        meter.CreateObservableGauge(LagInstrument, Measure, "{offset}",
            "Offsets between a partition's high watermark and the committed offset of a group this broker coordinates");
    }

    /// <summary>Reads the stats table the broker's <see cref="PartitionStatsPublisher"/> writes to (<c>fjord.partition.stats.table</c>).</summary>
    public static ConsumerLagMetrics Create(Meter meter, BrokerConfig config, TableServiceClient tables, GroupCoordinator groups, ReplicaManager replicas,
        TenantCache tenants, TimeProvider time, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(loggers);
        var stats = new TablePartitionStatsStore(tables, config.Get(PartitionStatsPublisher.TableConfig) ?? TablePartitionStatsStore.DefaultTableName);
        return new ConsumerLagMetrics(meter, groups, replicas, tenants, stats, TimeSpan.FromMilliseconds(config.GetInt(RefreshIntervalConfig, DefaultRefreshIntervalMs)),
            time, loggers.CreateLogger<ConsumerLagMetrics>());
    }

    public void Start() => _loop = Task.Run(LoopAsync);

    private IEnumerable<Measurement<long>> Measure()
    {
        var offsets = _groups.CommittedOffsets();
        var remote = _remoteHighWatermarks;
        var measurements = new List<Measurement<long>>(offsets.Count);
        foreach (var committed in offsets)
        {
            long highWatermark;
            if (_replicas.GetHosted(committed.Topic, committed.Partition) is { IsLeader: true } leader)
                highWatermark = leader.Log.HighWatermark;
            else if (!remote.TryGetValue((committed.Topic, committed.Partition), out highWatermark))
                continue;
            measurements.Add(new Measurement<long>(Math.Max(0, highWatermark - committed.Offset), new TagList
            {
                { "consumergroup", committed.GroupId },
                { "topic", committed.Topic },
                { "partition", committed.Partition },
                { "tenant", _tenants.OwnerOf(committed.GroupId)?.Id ?? "" },
            }));
        }
        return measurements;
    }

    private async Task LoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                await RefreshAsync(_stopping.Token);
                await Task.Delay(_interval, _time, _stopping.Token);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Re-reads, one query per topic, the stats of the partitions with committed offsets here that another broker
    /// leads (the loop calls it; tests may too). A table out of reach keeps the last snapshot and logs once.
    /// </summary>
    public async Task RefreshAsync(CancellationToken ct)
    {
        await _oneRefresh.WaitAsync(ct);
        try
        {
            var topics = new HashSet<string>(StringComparer.Ordinal);
            foreach (var committed in _groups.CommittedOffsets())
                if (_replicas.GetHosted(committed.Topic, committed.Partition) is not { IsLeader: true })
                    topics.Add(committed.Topic);
            var highWatermarks = new Dictionary<(string, int), long>();
            foreach (var topic in topics)
                foreach (var row in await _stats.ReadTopicAsync(topic, ct))
                    highWatermarks[(row.Topic, row.Partition)] = row.HighWatermark;
            _remoteHighWatermarks = highWatermarks;
            if (_failing)
            {
                _failing = false;
                LogStatsRecovered();
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            if (!_failing)
            {
                _failing = true;
                LogStatsFailing(e);
            }
        }
        finally
        {
            _oneRefresh.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _loop;
        _stopping.Dispose();
        _oneRefresh.Dispose();
    }

    [LoggerMessage(EventId = 7780, Level = LogLevel.Warning, Message = "The partition stats table is out of reach; consumer lag of partitions led by other brokers goes stale until it is back")]
    private partial void LogStatsFailing(Exception exception);

    [LoggerMessage(EventId = 7781, Level = LogLevel.Information, Message = "The partition stats table is reachable again; consumer lag is current")]
    private partial void LogStatsRecovered();
}
