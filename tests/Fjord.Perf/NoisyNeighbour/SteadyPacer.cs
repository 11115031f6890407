using System.Diagnostics;

namespace Fjord.Perf.NoisyNeighbour;

/// <summary>
/// Holds a send loop to a rate (records/s) counted from <paramref name="startTimestamp"/>, sleeping rather than
/// spinning: record <c>n</c> is due at start + n / rate, and a loop ahead of schedule sleeps until its next record
/// is due (at least 1 ms, the sleep granularity), then sends every record that has come due. On two shared cores a
/// spinning pacer would take a core from the broker it measures; the price is bursts of rate × ~1 ms records, far
/// finer than linger.ms batches them anyway. A non-positive rate never waits.
/// </summary>
internal sealed class SteadyPacer(double recordsPerSec, long startTimestamp)
{
    public double RecordsPerSec => recordsPerSec;

    /// <summary>Stopwatch ticks from <paramref name="now"/> until record <paramref name="sent"/> is due; 0 when it is due.</summary>
    public long TicksUntilDue(long sent, long now)
    {
        if (recordsPerSec <= 0)
            return 0;
        var due = startTimestamp + (long)(sent * (double)Stopwatch.Frequency / recordsPerSec);
        return Math.Max(0, due - now);
    }

    /// <summary>Blocks until record <paramref name="sent"/> is due (or <paramref name="stop"/> is cancelled).</summary>
    public void WaitTurn(long sent, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var ticks = TicksUntilDue(sent, Stopwatch.GetTimestamp());
            if (ticks == 0)
                return;
            var ms = ticks * 1000 / Stopwatch.Frequency;
            Thread.Sleep((int)Math.Clamp(ms, 1, 100));
        }
    }
}
