using Fjord.Perf.Reporting;

namespace Fjord.Perf.Produce;

/// <summary>
/// Per-record latency without per-record allocation: one preallocated slot per record holds the
/// Stopwatch timestamp taken just before the send, and the delivery report overwrites it with the
/// latency in ticks. Percentiles are computed once, at the end, by sorting the slots in place.
/// </summary>
internal sealed class LatencyRecorder
{
    private const long NotDelivered = -1;
    private readonly long[] _slots;

    public LatencyRecorder(int records)
    {
        _slots = new long[records];
        Array.Fill(_slots, NotDelivered);
    }

    public void MarkSent(int record, long timestamp) => _slots[record] = timestamp;

    /// <returns>The record's latency in Stopwatch ticks.</returns>
    public long MarkDelivered(int record, long now)
    {
        var latency = now - _slots[record];
        _slots[record] = latency;
        return latency;
    }

    public void MarkFailed(int record) => _slots[record] = NotDelivered;

    /// <summary>Sorts the slots: call once, after every delivery report arrived.</summary>
    public LatencySummary Summarize()
    {
        Array.Sort(_slots);
        var first = Array.FindIndex(_slots, l => l != NotDelivered);
        if (first < 0)
            return LatencySummary.Empty;

        return FromSorted(_slots.AsSpan(first));
    }

    /// <summary>Average, percentiles and max of latencies (Stopwatch ticks) already sorted ascending.</summary>
    public static LatencySummary FromSorted(ReadOnlySpan<long> delivered)
    {
        if (delivered.IsEmpty)
            return LatencySummary.Empty;
        double sum = 0;
        foreach (var ticks in delivered)
            sum += ticks;

        return new LatencySummary(
            AvgMs: Units.TicksToMs(sum / delivered.Length),
            P50Ms: Units.TicksToMs(Percentile(delivered, 0.50)),
            P95Ms: Units.TicksToMs(Percentile(delivered, 0.95)),
            P99Ms: Units.TicksToMs(Percentile(delivered, 0.99)),
            P999Ms: Units.TicksToMs(Percentile(delivered, 0.999)),
            MaxMs: Units.TicksToMs(delivered[^1]));
    }

    // Nearest-rank on the sorted sample, as Kafka's ProducerPerformance does (index = p * count).
    private static long Percentile(ReadOnlySpan<long> sorted, double p) =>
        sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
}
