using Fjord.Perf.Suite;

namespace Fjord.Perf.Tests;

public sealed class BrokerCpuTests
{
    [Fact]
    public void StatLineGivesUserAndKernelSecondsEvenWhenTheCommandNameHasSpacesAndParentheses()
    {
        // Fields 14 (utime) = 250 and 15 (stime) = 75 ticks; the name "(my (odd) name)" would shift a naive split.
        const string stat = "4242 (my (odd) name) S 1 4242 4242 0 -1 4194560 1000 0 0 0 250 75 0 0 20 0 12 0 100 0 0";

        var times = ProcessCpuSampler.Parse(stat, ticksPerSecond: 100);

        Assert.Equal(2.5, times.UserSec, precision: 9);
        Assert.Equal(0.75, times.SystemSec, precision: 9);
        Assert.Equal(3.25, times.TotalSec, precision: 9);
    }

    [Fact]
    public void CpuPerGigabyteIsCpuSecondsOverPayloadGigabytes()
    {
        var cpu = BrokerCpu.Between(new CpuTimes(10, 2), new CpuTimes(13, 3), wallSec: 8, payloadBytes: 512.0 * 1024 * 1024);

        Assert.Equal(4, cpu.CpuSec, precision: 9);
        Assert.Equal(3, cpu.UserSec, precision: 9);
        Assert.Equal(1, cpu.SystemSec, precision: 9);
        Assert.Equal(0.5, cpu.Cores, precision: 9);
        Assert.Equal(8, cpu.SecPerGb!.Value, precision: 9);   // 4 s for half a GB
    }

    [Fact]
    public void NoPayloadMeansNoPerGigabyteFigure()
    {
        var cpu = BrokerCpu.Between(new CpuTimes(1, 1), new CpuTimes(1.5, 1), wallSec: 0, payloadBytes: 0);

        Assert.Null(cpu.SecPerGb);
        Assert.Equal(0, cpu.Cores);
    }
}
