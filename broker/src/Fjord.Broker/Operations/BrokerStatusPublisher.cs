using Azure.Data.Tables;
using Fjord.Broker.Configuration;
using Fjord.Cluster;
using Microsoft.Extensions.Logging;

namespace Fjord.Broker.Operations;

/// <summary>
/// Publishes this broker's <see cref="BrokerStatus"/> to the table <c>fjord.broker.status.table</c> (default
/// <c>fjordbrokerstatus</c>) for the control plane. Every <c>fjord.broker.status.interval.ms</c> (default 5000) it
/// measures, and writes only when something changed, or after <c>fjord.broker.status.refresh.intervals</c> (default
/// 12) unchanged intervals as a liveness mark: an idle cluster costs one write a minute per broker. The row carries
/// that refresh interval, so a reader knows how old a row of a running broker can be.
/// </summary>
/// <remarks>
/// It runs on its own loop and nothing waits for it: a Table outage delays the row (and is logged once per outage),
/// never a produce or a fetch. A failed write is retried on the next tick, whether or not the status changed.
/// </remarks>
public sealed partial class BrokerStatusPublisher : IAsyncDisposable
{
    public const string TableConfig = "fjord.broker.status.table";
    public const string IntervalConfig = "fjord.broker.status.interval.ms";
    public const string RefreshIntervalsConfig = "fjord.broker.status.refresh.intervals";
    public const int DefaultIntervalMs = 5000;
    public const int DefaultRefreshIntervals = 12;

    private readonly IBrokerStatusStore _store;
    private readonly Func<DateTimeOffset, TimeSpan, BrokerStatus> _measure;
    private readonly TimeSpan _interval;
    private readonly int _refreshIntervals;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _oneTick = new(1, 1);
    private Task _loop = Task.CompletedTask;
    private bool _initialized;
    private bool _storeFailing;
    private BrokerStatus? _written;
    private int _unchangedTicks;

    public BrokerStatusPublisher(IBrokerStatusStore store, Func<DateTimeOffset, TimeSpan, BrokerStatus> measure, TimeSpan interval, int refreshIntervals,
        TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(measure);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _store = store;
        _measure = measure;
        _interval = interval > TimeSpan.Zero ? interval : TimeSpan.FromMilliseconds(DefaultIntervalMs);
        _refreshIntervals = Math.Max(1, refreshIntervals);
        _time = time;
        _logger = logger;
    }

    /// <summary>The longest a running broker lets pass between two writes of its row.</summary>
    public TimeSpan RefreshInterval => _interval * _refreshIntervals;

    /// <summary>Writes so far (tests check that an unchanged status is not rewritten every tick).</summary>
    public long Writes { get; private set; }

    public static BrokerStatusPublisher Create(BrokerConfig config, TableServiceClient tables, BrokerStatusMeasure measure, TimeProvider time, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(measure);
        ArgumentNullException.ThrowIfNull(loggers);
        var store = new TableBrokerStatusStore(tables, config.Get(TableConfig) ?? TableBrokerStatusStore.DefaultTableName);
        return new BrokerStatusPublisher(store, measure.Measure, TimeSpan.FromMilliseconds(config.GetInt(IntervalConfig, DefaultIntervalMs)),
            config.GetInt(RefreshIntervalsConfig, DefaultRefreshIntervals), time, loggers.CreateLogger<BrokerStatusPublisher>());
    }

    public void Start() => _loop = Task.Run(LoopAsync);

    private async Task LoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            await RunOnceAsync(_stopping.Token).ConfigureAwait(false);
            try
            {
                await Task.Delay(_interval, _time, _stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One tick: measure, and write when changed or due for a liveness mark. Never throws but for cancellation by <paramref name="ct"/>.</summary>
    public async Task RunOnceAsync(CancellationToken ct)
    {
        try
        {
            await _oneTick.WaitAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return;
        }
        try
        {
            BrokerStatus status;
            try
            {
                status = _measure(_time.GetUtcNow(), RefreshInterval);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A replica or tier being torn down mid-count; the next tick measures again.
                Log.MeasureFailed(_logger, e);
                return;
            }
            if (_written is not null && SameFigures(_written, status) && ++_unchangedTicks < _refreshIntervals) return;
            if (!_initialized)
            {
                await _store.InitializeAsync(ct).ConfigureAwait(false);
                _initialized = true;
            }
            await _store.WriteAsync(status, ct).ConfigureAwait(false);
            Writes++;
            _written = status;
            _unchangedTicks = 0;
            if (_storeFailing)
            {
                _storeFailing = false;
                Log.StoreRecovered(_logger);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // Forgotten, so the next tick writes whatever it measures.
            _written = null;
            if (!_storeFailing)
            {
                _storeFailing = true;
                Log.StoreFailing(_logger, e);
            }
        }
        finally
        {
            _oneTick.Release();
        }
    }

    private static bool SameFigures(BrokerStatus a, BrokerStatus b) => a == b with { UpdatedAt = a.UpdatedAt };

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stopping.Dispose();
        _oneTick.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7751, Level = LogLevel.Warning, Message = "The broker status table is out of reach; the control plane sees this broker's last status until it returns")]
        public static partial void StoreFailing(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 7753, Level = LogLevel.Warning, Message = "Measuring the broker's status failed; will retry")]
        public static partial void MeasureFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 7752, Level = LogLevel.Information, Message = "The broker status table is reachable again")]
        public static partial void StoreRecovered(ILogger logger);
    }
}
