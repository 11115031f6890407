using Fjord.Perf.Reporting;

namespace Fjord.Perf.NoisyNeighbour;

/// <summary>
/// The noisy tenant over one measured window: the rate it tried, the rate its client refused locally (queue full
/// because the broker held it back), the payload rate delivered against its quota, and the throttle times the broker
/// gave it. <see cref="ThrottleMaxMs"/> is the longest over the tenant's whole phase (the settling time included):
/// librdkafka reports a maximum per statistics interval, which two totals cannot be differenced into.
/// </summary>
internal sealed record FloodWindow(
    double TriedRecordsPerSec,
    double RefusedRecordsPerSec,
    double DeliveredMbPerSec,
    double QuotaMbPerSec,
    long Failed,
    long ThrottledResponses,
    double ThrottleAvgMs,
    long ThrottleMaxMs)
{
    /// <summary>Delivered payload over the quota: about 1 when the quota holds (a little under: the quota counts request bytes, this counts payload).</summary>
    public double DeliveredOverQuota => QuotaMbPerSec > 0 ? DeliveredMbPerSec / QuotaMbPerSec : 0;

    public static FloodWindow Between(FloodCounters start, FloodCounters end, int recordSize, double quotaBytesPerSec)
    {
        var seconds = Math.Max(Units.TicksToSec(end.Timestamp - start.Timestamp), 1e-9);
        var throttled = end.Throttle.Count - start.Throttle.Count;
        var throttleSum = end.Throttle.SumMs - start.Throttle.SumMs;
        return new FloodWindow(
            TriedRecordsPerSec: (end.Attempts - start.Attempts) / seconds,
            RefusedRecordsPerSec: (end.Refused - start.Refused) / seconds,
            DeliveredMbPerSec: Units.MiB((double)(end.Delivered - start.Delivered) * recordSize) / seconds,
            QuotaMbPerSec: Units.MiB(quotaBytesPerSec),
            Failed: end.Failed - start.Failed,
            ThrottledResponses: throttled,
            ThrottleAvgMs: throttled > 0 ? throttleSum / (double)throttled : 0,
            ThrottleMaxMs: end.Throttle.MaxMs);
    }
}
