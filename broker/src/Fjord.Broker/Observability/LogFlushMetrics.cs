using System.Diagnostics.Metrics;
using Fjord.Log;

namespace Fjord.Broker.Observability;

/// <summary>Kafka's LogFlushStats LogFlushRateAndTimeMs: how long each fsync of a partition's log took; its count is the flush rate.</summary>
public sealed class LogFlushMetrics : ILogFlushObserver
{
    public const string LogFlushTime = "kafka.log.logflushstats.log_flush_time";

    private static readonly double[] Buckets = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500];

    private readonly Histogram<double> _flushTime;

    public LogFlushMetrics(Meter meter)
    {
        ArgumentNullException.ThrowIfNull(meter);
        _flushTime = meter.CreateHistogram(LogFlushTime, "ms", "Time to fsync a partition's log (Kafka's LogFlushRateAndTimeMs)",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = Buckets });
    }

    public void Flushed(TimeSpan elapsed) => _flushTime.Record(elapsed.TotalMilliseconds);
}
