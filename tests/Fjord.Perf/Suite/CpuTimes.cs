namespace Fjord.Perf.Suite;

/// <summary>CPU seconds a process has spent in user mode (utime) and in the kernel on its behalf (stime).</summary>
internal readonly record struct CpuTimes(double UserSec, double SystemSec)
{
    public double TotalSec => UserSec + SystemSec;
}
