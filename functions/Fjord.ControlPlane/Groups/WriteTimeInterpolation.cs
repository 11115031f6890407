using Fjord.Cluster;

namespace Fjord.ControlPlane.Groups;

/// <summary>
/// When was the record at an offset written, from a partition's high-watermark samples (kafka-lag-exporter's idea).
/// A sample (t, h) says every offset below h was written by t, so the record at x with h₁ ≤ x &lt; h₂ of two neighbouring
/// samples was written in (t₁, t₂]; the estimate interpolates linearly, so its error is at most t₂ − t₁ — the publish
/// interval for recent records, more where the history was thinned or seeded from whole segments.
/// </summary>
public static class WriteTimeInterpolation
{
    /// <summary>
    /// The estimated write time (Unix ms) of the record at <paramref name="offset"/>, or null when no sample covers it
    /// (the offset is at or past the newest sample). <paramref name="beforeHistory"/> is true when the offset precedes
    /// the oldest sample: it was written at or before the returned time, so an age computed from it is a lower bound.
    /// </summary>
    public static long? EstimateMs(IReadOnlyList<LogSample> samples, long offset, out bool beforeHistory)
    {
        ArgumentNullException.ThrowIfNull(samples);
        beforeHistory = false;
        for (var i = 0; i < samples.Count; i++)
        {
            var after = samples[i];
            if (offset >= after.Offset) continue;
            if (i == 0)
            {
                beforeHistory = true;
                return after.TimeMs;
            }

            var before = samples[i - 1];
            // +1: the last offset below h₂ is the one known written by t₂.
            var fraction = (double)(offset - before.Offset + 1) / (after.Offset - before.Offset);
            return before.TimeMs + (long)Math.Round(fraction * (after.TimeMs - before.TimeMs));
        }

        return null;
    }
}
