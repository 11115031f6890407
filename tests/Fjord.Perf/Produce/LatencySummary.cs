namespace Fjord.Perf.Produce;

/// <summary>Produce latency (send to delivery report) in milliseconds.</summary>
internal sealed record LatencySummary(double AvgMs, double P50Ms, double P95Ms, double P99Ms, double P999Ms, double MaxMs)
{
    public static readonly LatencySummary Empty = new(0, 0, 0, 0, 0, 0);
}
