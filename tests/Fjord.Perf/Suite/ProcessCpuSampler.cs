using System.Globalization;
using System.Runtime.InteropServices;

namespace Fjord.Perf.Suite;

/// <summary>
/// CPU time (user + system) consumed so far by a process, from <c>/proc/&lt;pid&gt;/stat</c>
/// (Linux only). Fields 14 and 15 are utime and stime in clock ticks (sysconf(_SC_CLK_TCK),
/// 100 per second on Linux); CPU seconds over wall seconds gives the cores a broker kept busy.
/// </summary>
internal static partial class ProcessCpuSampler
{
    private const int ScClkTck = 2; // _SC_CLK_TCK in glibc's and musl's unistd.h on Linux.
    private static readonly Lazy<long> ClockTicksPerSecond = new(ReadClockTicks);

    public static double CpuSeconds(int pid) => Sample(pid).TotalSec;

    /// <summary>User and kernel CPU time of the process so far (all its threads, not its children).</summary>
    public static CpuTimes Sample(int pid) => Parse(File.ReadAllText($"/proc/{pid}/stat"), ClockTicksPerSecond.Value);

    /// <summary>utime and stime of one <c>/proc/&lt;pid&gt;/stat</c> line, converted from clock ticks to seconds.</summary>
    public static CpuTimes Parse(string stat, long ticksPerSecond)
    {
        // The command name (field 2) is in parentheses and may contain spaces: parse after the last ')'.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // fields[0] is field 3 (state), so utime (field 14) is fields[11] and stime (field 15) fields[12].
        var utime = long.Parse(fields[11], CultureInfo.InvariantCulture);
        var stime = long.Parse(fields[12], CultureInfo.InvariantCulture);
        return new CpuTimes(utime / (double)ticksPerSecond, stime / (double)ticksPerSecond);
    }

    public static void EnsureReadable(int pid)
    {
        if (!File.Exists($"/proc/{pid}/stat"))
            throw new InvalidOperationException($"--broker-pid {pid}: /proc/{pid}/stat not found (no such process, or not Linux)");
        _ = CpuSeconds(pid);
    }

    private static long ReadClockTicks()
    {
        try
        {
            var ticks = SysConf(ScClkTck);
            return ticks > 0 ? ticks : 100;
        }
        catch (DllNotFoundException)
        {
            return 100;
        }
        catch (EntryPointNotFoundException)
        {
            return 100;
        }
    }

    [LibraryImport("libc", EntryPoint = "sysconf")]
    private static partial long SysConf(int name);
}
