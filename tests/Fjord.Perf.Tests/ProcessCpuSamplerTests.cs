using System.Diagnostics;
using Fjord.Perf.Suite;

namespace Fjord.Perf.Tests;

public sealed class ProcessCpuSamplerTests
{
    [Fact]
    public void CpuTimeOfABusyProcessGrowsAndMatchesTheRuntimeView()
    {
        var pid = Environment.ProcessId;
        var before = ProcessCpuSampler.CpuSeconds(pid);

        // Burn CPU until /proc shows at least 0.2 s more (ticks are 10 ms), with a generous deadline.
        var deadline = Stopwatch.GetTimestamp() + (30 * Stopwatch.Frequency);
        double after;
        do
        {
            var spinUntil = Stopwatch.GetTimestamp() + (Stopwatch.Frequency / 20);
            while (Stopwatch.GetTimestamp() < spinUntil)
                Thread.SpinWait(100);
            after = ProcessCpuSampler.CpuSeconds(pid);
        }
        while (after - before < 0.2 && Stopwatch.GetTimestamp() < deadline);

        Assert.True(after - before >= 0.2, $"CPU time went from {before} to {after}");
        // Same clock as the runtime's own accounting, within a tick or two of sampling skew.
        var runtime = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
        Assert.InRange(after, runtime - 1.0, runtime + 0.05);
    }

    [Fact]
    public void MissingProcessIsReportedClearly()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => ProcessCpuSampler.EnsureReadable(int.MaxValue));
        Assert.Contains("--broker-pid", ex.Message, StringComparison.Ordinal);
    }
}
