namespace Fjord.Perf.NoisyNeighbour;

/// <summary>
/// Throttle times a client was given: <see cref="Count"/> throttle_time_ms values librdkafka recorded, <see cref="SumMs"/> in all, the longest
/// <see cref="MaxMs"/>.
/// </summary>
internal readonly record struct ThrottleWindow(long Count, long SumMs, long MaxMs)
{
    public static ThrottleWindow operator +(ThrottleWindow a, ThrottleWindow b) =>
        new(a.Count + b.Count, a.SumMs + b.SumMs, Math.Max(a.MaxMs, b.MaxMs));

    public static ThrottleWindow Add(ThrottleWindow a, ThrottleWindow b) => a + b;

    public double AvgMs => Count == 0 ? 0 : SumMs / (double)Count;
}
