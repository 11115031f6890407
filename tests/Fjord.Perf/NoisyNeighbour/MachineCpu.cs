using System.Globalization;

namespace Fjord.Perf.NoisyNeighbour;

/// <summary>
/// How busy the whole machine is, from the first line of <c>/proc/stat</c> (clock ticks of every CPU by state):
/// busy is user + nice + system + irq + softirq + steal, total adds idle and iowait. Over a window, busy over total
/// times the CPU count gives the cores in use, this run's processes and everyone else's: what tells a quiet
/// machine's numbers from a shared one's.
/// </summary>
internal readonly record struct MachineCpu(long BusyTicks, long TotalTicks)
{
    public static MachineCpu Read() => Parse(File.ReadLines("/proc/stat").First());

    /// <summary>The aggregate <c>cpu</c> line: <c>cpu user nice system idle iowait irq softirq steal [guest guest_nice]</c>.</summary>
    public static MachineCpu Parse(string cpuLine)
    {
        ArgumentNullException.ThrowIfNull(cpuLine);
        var fields = cpuLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 8 || fields[0] != "cpu")
            throw new FormatException($"not the aggregate cpu line of /proc/stat: '{cpuLine}'");
        long Field(int i) => i < fields.Length ? long.Parse(fields[i], CultureInfo.InvariantCulture) : 0;
        // guest and guest_nice are already counted in user and nice.
        var busy = Field(1) + Field(2) + Field(3) + Field(6) + Field(7) + Field(8);
        return new MachineCpu(busy, busy + Field(4) + Field(5));
    }

    /// <summary>Cores busy between two samples, of <paramref name="processors"/>.</summary>
    public static double CoresBetween(MachineCpu start, MachineCpu end, int processors)
    {
        var total = end.TotalTicks - start.TotalTicks;
        return total <= 0 ? 0 : (end.BusyTicks - start.BusyTicks) / (double)total * processors;
    }
}
