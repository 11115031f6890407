using System.Diagnostics;
using Fjord.Perf.Reporting;

namespace Fjord.Perf.Suite;

/// <summary>
/// Samples a broker's CPU time at the start and the end of a phase (<c>/proc/&lt;pid&gt;/stat</c>,
/// 10 ms ticks, so phases of a few seconds or more are needed for a meaningful number).
/// </summary>
internal sealed class BrokerCpuMeter
{
    private readonly int _pid;
    private readonly CpuTimes _before;
    private readonly long _start;
    private CpuTimes _after;
    private long _end;

    private BrokerCpuMeter(int pid)
    {
        _pid = pid;
        _before = ProcessCpuSampler.Sample(pid);
        _start = Stopwatch.GetTimestamp();
    }

    /// <summary>Starts measuring, or returns null when no broker pid was given.</summary>
    public static BrokerCpuMeter? Start(int? pid) => pid is { } p ? new BrokerCpuMeter(p) : null;

    public void Stop()
    {
        _end = Stopwatch.GetTimestamp();
        _after = ProcessCpuSampler.Sample(_pid);
    }

    /// <summary>The phase between <see cref="Start"/> and <see cref="Stop"/>, per <paramref name="payloadBytes"/> moved.</summary>
    public BrokerCpu Report(double payloadBytes) =>
        BrokerCpu.Between(_before, _after, Units.TicksToSec(_end - _start), payloadBytes);
}
