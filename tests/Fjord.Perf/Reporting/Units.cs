using System.Diagnostics;

namespace Fjord.Perf.Reporting;

/// <summary>Kafka's perf tools report MB as 1024 * 1024 bytes; so does this tool.</summary>
internal static class Units
{
    public static double MiB(double bytes) => bytes / (1024.0 * 1024.0);

    public static double TicksToMs(double ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    public static double TicksToSec(long ticks) => ticks / (double)Stopwatch.Frequency;
}
