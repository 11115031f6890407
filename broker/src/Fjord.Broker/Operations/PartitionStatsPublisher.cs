using Azure.Data.Tables;
using Fjord.Broker.Configuration;
using Fjord.Broker.Partitions;
using Fjord.Broker.Replicas;
using Fjord.Cluster;
using Microsoft.Extensions.Logging;

namespace Fjord.Broker.Operations;

/// <summary>
/// Publishes, every <c>fjord.partition.stats.interval.ms</c> (default 5000), the log stats of the partitions this
/// broker leads to the table <c>fjord.partition.stats.table</c> (default <c>fjordpartitionstats</c>): log start
/// offset, local log start, high watermark, log end offset, local size, and a history of up to
/// <c>fjord.partition.stats.samples</c> (default 32) (time, high watermark) samples. The control plane, which keeps
/// no state, derives produce rates, consumer lag in seconds and retention forecasts from them.
/// </summary>
/// <remarks>
/// Cost: a row is written only when one of its figures changed, and the changed rows of a topic go in transactions
/// of up to 100, so an interval costs Σ over topics of ceil(changed partitions / 100) Table operations, and nothing
/// when no partition moved. Reading the figures takes no lock and allocates nothing per record. A leader seeds a
/// partition's history from its closed local segments (each segment's largest record timestamp and next offset,
/// which is what retention.ms judges), so a new leader's history reaches back as far as its local log. The loop
/// runs beside the data path: a Table outage is logged once, the rows stay unwritten (retried next interval), and
/// produce and fetch never wait on it.
/// </remarks>
public sealed partial class PartitionStatsPublisher : IAsyncDisposable
{
    public const string TableConfig = "fjord.partition.stats.table";
    public const string IntervalConfig = "fjord.partition.stats.interval.ms";
    public const string SamplesConfig = "fjord.partition.stats.samples";
    public const int DefaultIntervalMs = 5000;
    public const int DefaultSamples = 32;

    private readonly int _nodeId;
    private readonly TablePartitionStatsStore _store;
    private readonly Func<IEnumerable<Partition>> _hosted;
    private readonly TimeSpan _interval;
    private readonly int _samples;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _oneTick = new(1, 1);
    private readonly Dictionary<(Guid TopicId, int Partition), Published> _published = [];
    private readonly List<(Published State, PartitionStats Row)> _changed = [];
    private Task _loop = Task.CompletedTask;
    private bool _initialized;
    private bool _storeFailing;
    private long _tick;

    public PartitionStatsPublisher(int nodeId, TablePartitionStatsStore store, Func<IEnumerable<Partition>> hosted, TimeSpan interval, int samples,
        TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(hosted);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentOutOfRangeException.ThrowIfLessThan(samples, 3);
        _nodeId = nodeId;
        _store = store;
        _hosted = hosted;
        _interval = interval > TimeSpan.Zero ? interval : TimeSpan.FromMilliseconds(DefaultIntervalMs);
        _samples = samples;
        _time = time;
        _logger = logger;
    }

    public static PartitionStatsPublisher Create(BrokerConfig config, TableServiceClient tables, ReplicaManager replicas, TimeProvider time, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(replicas);
        ArgumentNullException.ThrowIfNull(loggers);
        var store = new TablePartitionStatsStore(tables, config.Get(TableConfig) ?? TablePartitionStatsStore.DefaultTableName);
        return new PartitionStatsPublisher(config.NodeId, store, () => replicas.Hosted, TimeSpan.FromMilliseconds(config.GetInt(IntervalConfig, DefaultIntervalMs)),
            config.GetInt(SamplesConfig, DefaultSamples), time, loggers.CreateLogger<PartitionStatsPublisher>());
    }

    /// <summary>Rows written since start, for tests and diagnostics.</summary>
    public long RowsWritten { get; private set; }

    /// <summary>Table operations (single upserts and transactions) since start.</summary>
    public long TableOperations { get; private set; }

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
                LogTickFailed(e);
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

    /// <summary>One interval: sample every led partition, write the rows that changed (tests call it directly).</summary>
    public async Task RunOnceAsync(CancellationToken ct)
    {
        await _oneTick.WaitAsync(ct);
        try
        {
            var now = _time.GetUtcNow();
            var tick = ++_tick;
            _changed.Clear();
            foreach (var partition in _hosted())
            {
                if (!partition.IsLeader) continue;
                var key = (partition.Log.TopicId, partition.Index);
                if (!_published.TryGetValue(key, out var state))
                {
                    state = new Published(new SampleHistory(_samples, _interval.Ticks / TimeSpan.TicksPerMillisecond));
                    Seed(state.History, partition);
                    _published[key] = state;
                }
                state.SeenAtTick = tick;
                if (Sample(partition, state, now) is { } row) _changed.Add((state, row));
            }
            // Partitions this broker no longer leads: a later leadership starts over from its segments.
            foreach (var (key, state) in _published)
                if (state.SeenAtTick != tick) _published.Remove(key);

            if (_changed.Count > 0) await WriteAsync(ct);
        }
        finally
        {
            _oneTick.Release();
        }
    }

    private PartitionStats? Sample(Partition partition, Published state, DateTimeOffset now)
    {
        var log = partition.Log;
        var highWatermark = log.HighWatermark;
        state.History.Add(now.ToUnixTimeMilliseconds(), highWatermark);
        var figures = new Figures(partition.LeaderEpoch, log.LogStartOffset, log.LocalLogStartOffset, highWatermark, log.LogEndOffset, log.Size);
        if (state.Written == figures) return null;
        state.Pending = figures;
        return new PartitionStats(partition.Topic.Name, log.TopicId, partition.Index, _nodeId, figures.LeaderEpoch, figures.LogStartOffset,
            figures.LocalLogStartOffset, figures.HighWatermark, figures.LogEndOffset, figures.SizeBytes, now, state.History.Samples.ToArray());
    }

    /// <summary>Closed segments say by when their last offset was written (their largest timestamp); the active one is sampled live.</summary>
    private static void Seed(SampleHistory history, Partition partition)
    {
        var segments = partition.Log.Segments;
        var seeds = new List<LogSample>(segments.Count);
        foreach (var segment in segments)
            if (!segment.IsActive && segment.NextOffset > segment.BaseOffset && segment.LargestTimestamp > 0)
                seeds.Add(new LogSample(segment.LargestTimestamp, segment.NextOffset));
        history.Reset(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(seeds));
    }

    private async Task WriteAsync(CancellationToken ct)
    {
        try
        {
            if (!_initialized)
            {
                await _store.InitializeAsync(ct);
                _initialized = true;
                TableOperations++;
            }
            var rows = new PartitionStats[_changed.Count];
            for (var i = 0; i < rows.Length; i++) rows[i] = _changed[i].Row;
            await _store.WriteAsync(rows, ct);
            TableOperations += rows.GroupBy(r => r.Topic, StringComparer.Ordinal).Sum(g => (g.Count() + TablePartitionStatsStore.MaxTransactionActions - 1) / TablePartitionStatsStore.MaxTransactionActions);
            RowsWritten += rows.Length;
            foreach (var (state, _) in _changed) state.Written = state.Pending;
            if (_storeFailing)
            {
                _storeFailing = false;
                LogStoreRecovered();
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // Unwritten rows stay "changed" and go out with the next interval; one warning per outage.
            if (!_storeFailing)
            {
                _storeFailing = true;
                LogStoreFailing(e);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _loop;
        _stopping.Dispose();
        _oneTick.Dispose();
    }

    private readonly record struct Figures(int LeaderEpoch, long LogStartOffset, long LocalLogStartOffset, long HighWatermark, long LogEndOffset, long SizeBytes);

    private sealed class Published(SampleHistory history)
    {
        public SampleHistory History { get; } = history;
        public Figures? Written { get; set; }
        public Figures? Pending { get; set; }
        public long SeenAtTick { get; set; }
    }

    [LoggerMessage(EventId = 7760, Level = LogLevel.Warning, Message = "The partition stats table is out of reach; lag figures go stale until it is back (produce and fetch are not affected)")]
    private partial void LogStoreFailing(Exception exception);

    [LoggerMessage(EventId = 7761, Level = LogLevel.Information, Message = "The partition stats table is reachable again")]
    private partial void LogStoreRecovered();

    [LoggerMessage(EventId = 7762, Level = LogLevel.Warning, Message = "Publishing partition stats failed; will retry")]
    private partial void LogTickFailed(Exception exception);
}
