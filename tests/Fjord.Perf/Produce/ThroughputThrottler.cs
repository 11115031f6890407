using System.Diagnostics;

namespace Fjord.Perf.Produce;

/// <summary>
/// Holds the send loop to a target rate (records/s) measured from the start of the run, like
/// kafka-producer-perf-test's --throughput; a non-positive target means unlimited.
/// </summary>
internal sealed class ThroughputThrottler(long recordsPerSec, long startTimestamp)
{
    public bool Enabled => recordsPerSec > 0;

    public void WaitTurn(long recordsSentSoFar)
    {
        if (!Enabled)
            return;

        var due = startTimestamp + (long)(recordsSentSoFar * (double)Stopwatch.Frequency / recordsPerSec);
        while (true)
        {
            var ahead = due - Stopwatch.GetTimestamp();
            if (ahead <= 0)
                return;
            var aheadMs = ahead * 1000 / Stopwatch.Frequency;
            // Sleep granularity is ~1 ms; spin the last stretch so low targets stay smooth.
            if (aheadMs >= 2)
                Thread.Sleep((int)Math.Min(aheadMs - 1, 100));
            else
                Thread.SpinWait(64);
        }
    }
}
