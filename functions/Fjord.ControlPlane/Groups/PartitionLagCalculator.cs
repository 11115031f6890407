using Fjord.Cluster;

namespace Fjord.ControlPlane.Groups;

/// <summary>Puts a committed offset (with its commit history) against the leader's published stats: lag, lag in seconds, rates, forecast. Pure.</summary>
public static class PartitionLagCalculator
{
    public static PartitionLag Compute(string topic, CommittedOffsetHistory committed, PartitionStats? stats, RetentionSettings retention, DateTimeOffset now,
        TimeSpan rateWindow)
    {
        ArgumentNullException.ThrowIfNull(committed);
        ArgumentNullException.ThrowIfNull(retention);
        var offset = committed.Offset.Offset;
        var nowMs = now.ToUnixTimeMilliseconds();
        var consumeRate = RateEstimation.PerSecond(committed.Samples, nowMs, rateWindow);
        if (stats is null)
            return new PartitionLag(topic, committed.Offset.Partition, offset, null, null, null, null, false, null, consumeRate, RetentionForecast.Unknown, null);

        var samples = WithCurrent(stats);
        var lag = Math.Max(0, stats.HighWatermark - offset);
        var lagSeconds = 0.0;
        var lowerBound = false;
        if (lag > 0)
            lagSeconds = AgeSeconds(samples, offset, stats, nowMs, out lowerBound);
        var newestAge = stats.HighWatermark > 0 ? AgeSeconds(samples, stats.HighWatermark - 1, stats, nowMs, out _) : 0;
        var produceRate = RateEstimation.PerSecond(samples, nowMs, rateWindow);
        var forecast = RetentionForecaster.Forecast(
            new ForecastInput(offset, stats.LogStartOffset, stats.HighWatermark, lagSeconds, newestAge, produceRate, consumeRate,
                retention.RetentionMs, retention.RetentionBytes, stats.AverageRecordBytes),
            now);
        return new PartitionLag(topic, committed.Offset.Partition, offset, stats.LogStartOffset, stats.HighWatermark, lag, lagSeconds, lowerBound,
            produceRate, consumeRate, forecast, stats.UpdatedAt);
    }

    /// <summary>The published history, closed by the row's own high watermark when the history has not caught up with it.</summary>
    private static IReadOnlyList<LogSample> WithCurrent(PartitionStats stats)
    {
        var samples = stats.HighWatermarkSamples;
        if (samples.Count > 0 && samples[^1].Offset >= stats.HighWatermark) return samples;
        return [.. samples, new LogSample(stats.UpdatedAt.ToUnixTimeMilliseconds(), stats.HighWatermark)];
    }

    private static double AgeSeconds(IReadOnlyList<LogSample> samples, long offset, PartitionStats stats, long nowMs, out bool lowerBound)
    {
        var written = WriteTimeInterpolation.EstimateMs(samples, offset, out lowerBound) ?? stats.UpdatedAt.ToUnixTimeMilliseconds();
        return Math.Max(0, nowMs - written) / 1000.0;
    }
}
