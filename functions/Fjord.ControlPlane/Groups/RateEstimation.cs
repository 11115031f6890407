using Fjord.Cluster;

namespace Fjord.ControlPlane.Groups;

/// <summary>The rate at which a sampled offset moves (records a second), over a recent window ending now.</summary>
public static class RateEstimation
{
    /// <summary>The window rates are measured over: long enough to smooth commit and batch steps, short enough to follow a change.</summary>
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Records a second between the newest sample at least <paramref name="window"/> old (else the oldest) and now.
    /// The writers add a sample whenever the offset moves, so no sample since the newest means it has not moved since:
    /// the span runs to now, and a stopped producer or consumer decays to 0. Null with fewer than two samples, or when
    /// the only span is empty: one observation says nothing about speed.
    /// </summary>
    public static double? PerSecond(IReadOnlyList<LogSample> samples, long nowMs, TimeSpan window)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.Count < 2) return null;
        var newest = samples[^1];
        var from = samples[0];
        var cutoff = nowMs - (long)window.TotalMilliseconds;
        for (var i = samples.Count - 1; i >= 0; i--)
        {
            if (samples[i].TimeMs <= cutoff)
            {
                from = samples[i];
                break;
            }
        }

        var end = Math.Max(nowMs, newest.TimeMs);
        if (end <= from.TimeMs) return null;
        return (newest.Offset - from.Offset) * 1000.0 / (end - from.TimeMs);
    }
}
