using System.Diagnostics;
using Fjord.Perf.Cli;
using Fjord.Perf.NoisyNeighbour;
using Fjord.Perf.Produce;

namespace Fjord.Perf.Tests;

public sealed class NoisyNeighbourTests
{
    private static readonly long Ms = Stopwatch.Frequency / 1000;

    [Fact]
    public void OptionsDefaultToTheIssuesScenario()
    {
        var args = new ArgumentReader([]);

        var options = NoisyNeighbourOptions.Read(args);
        args.EnsureAllConsumed();

        Assert.Equal(new NoisyNeighbourOptions(30, 3, 5, 10, 20, 10, 5, 1024, 4, 5, 1_000_000, 1.25, null, TimeSpan.FromSeconds(60)), options);
    }

    [Fact]
    public void OptionsReadEveryKnob()
    {
        var args = new ArgumentReader(
        [
            "--duration-sec", "7", "--rounds", "3", "--settle-sec", "0", "--capacity-sec", "4", "--steady-share", "30", "--quota-share", "5",
            "--overdrive", "10", "--record-size", "100", "--partitions", "2", "--linger-ms", "0", "--noisy-batch-size", "16384", "--target-ratio", "1.5",
            "--broker-dll", "b.dll", "--timeout-sec", "9", "--noisy-client", "in-process",
        ]);

        var options = NoisyNeighbourOptions.Read(args);
        args.EnsureAllConsumed();

        Assert.Equal(new NoisyNeighbourOptions(7, 3, 0, 4, 30, 5, 10, 100, 2, 0, 16384, 1.5, "b.dll", TimeSpan.FromSeconds(9), NoisyInProcess: true), options);
    }

    [Theory]
    [InlineData("--target-ratio", "0")]
    [InlineData("--target-ratio", "fast")]
    [InlineData("--rounds", "0")]
    [InlineData("--steady-share", "0")]
    [InlineData("--noisy-client", "thread")]
    public void OptionsRejectNonsense(string name, string value) =>
        Assert.Throws<UsageException>(() => NoisyNeighbourOptions.Read(new ArgumentReader([name, value])));

    [Fact]
    public void PacerSpacesRecordsEvenlyFromTheStart()
    {
        var pacer = new SteadyPacer(1000, startTimestamp: 0);

        Assert.Equal(0, pacer.TicksUntilDue(0, now: 0));
        Assert.Equal(5 * Ms, pacer.TicksUntilDue(5, now: 0), tolerance: 1);
        Assert.Equal(2 * Ms, pacer.TicksUntilDue(5, now: 3 * Ms), tolerance: 1);
        // Behind schedule: due at once, so a loop that fell behind catches up.
        Assert.Equal(0, pacer.TicksUntilDue(5, now: 9 * Ms));
    }

    [Fact]
    public void PacerWithoutARateNeverWaits() =>
        Assert.Equal(0, new SteadyPacer(0, startTimestamp: 100).TicksUntilDue(1_000_000, now: 0));

    [Fact]
    public void PhaseLatenciesCountOnlyTheirPhasesRecords()
    {
        var latencies = new PhaseLatencies(10);
        // Records 0-1 between phases, 2-5 phase 1 (5 fails), 6-8 phase 2 (8 never reported), 9 never sent.
        byte[] phases = [0, 0, 1, 1, 1, 1, 2, 2, 2];
        for (var i = 0; i < phases.Length; i++)
            latencies.MarkSent(i, 1000, phases[i]);
        foreach (var (record, ms) in new[] { (0, 50), (1, 50), (2, 4), (3, 2), (4, 3), (6, 10), (7, 20) })
            latencies.MarkDelivered(record, 1000 + (ms * Ms));
        latencies.MarkFailed(5);

        var first = latencies.Summarize(1, sent: 9);
        var second = latencies.Summarize(2, sent: 9);

        Assert.Equal((4, 3, 1), (first.Sent, first.Delivered, first.NotDelivered));
        Assert.Equal(4, first.Latency.MaxMs, precision: 3);
        Assert.Equal(3, first.Latency.AvgMs, precision: 3);
        Assert.Equal((3, 2, 1), (second.Sent, second.Delivered, second.NotDelivered));
        Assert.Equal(20, second.Latency.P99Ms, precision: 3);
    }

    [Fact]
    public void APhaseWithoutDeliveriesIsEmpty() =>
        Assert.Equal(LatencySummary.Empty, new PhaseLatencies(2).Summarize(3, sent: 2).Latency);

    [Fact]
    public void ThrottleStatisticsSumEveryBrokerConnection()
    {
        const string json = """
            {"ts": 1, "brokers": {
              "127.0.0.1:9092/0": {"throttle": {"min": 10, "max": 400, "avg": 205, "sum": 410, "cnt": 2}},
              "127.0.0.1:9092/bootstrap": {"throttle": {"min": 0, "max": 0, "avg": 0, "sum": 0, "cnt": 0}},
              "GroupCoordinator": {"throttle": {"min": 5, "max": 5, "avg": 5, "sum": 5, "cnt": 1}},
              "other": {}
            }}
            """;

        var window = ThrottleStatistics.Parse(json);

        Assert.Equal(new ThrottleWindow(3, 415, 400), window);
        Assert.Equal(415 / 3.0, window.AvgMs, precision: 6);
        Assert.Equal(new ThrottleWindow(4, 420, 400), window + new ThrottleWindow(1, 5, 7));
    }

    [Fact]
    public void StatisticsWithoutBrokersMeanNoThrottling() =>
        Assert.Equal(default, ThrottleStatistics.Parse("""{"ts": 1}"""));

    [Fact]
    public void FloodWindowRatesAreTakenBetweenTwoSnapshots()
    {
        var second = Stopwatch.Frequency;
        var start = new FloodCounters(Attempts: 100, Refused: 10, Delivered: 50, Failed: 0, new ThrottleWindow(1, 100, 100), Timestamp: 0);
        var end = new FloodCounters(Attempts: 5100, Refused: 4010, Delivered: 2098, Failed: 1, new ThrottleWindow(5, 900, 300), Timestamp: 2 * second);

        var window = FloodWindow.Between(start, end, recordSize: 1024, quotaBytesPerSec: 1024 * 1024);

        Assert.Equal(2500, window.TriedRecordsPerSec, precision: 3);
        Assert.Equal(2000, window.RefusedRecordsPerSec, precision: 3);
        Assert.Equal(1, window.DeliveredMbPerSec, precision: 6);   // 2048 KiB over 2 s
        Assert.Equal(1, window.DeliveredOverQuota, precision: 6);
        Assert.Equal(4, window.ThrottledResponses);
        Assert.Equal(200, window.ThrottleAvgMs, precision: 6);
        Assert.Equal(300, window.ThrottleMaxMs);
        Assert.Equal(1, window.Failed);
    }

    [Theory]
    [InlineData(new double[] { 3 }, 3)]
    [InlineData(new double[] { 5, 1, 3 }, 3)]
    [InlineData(new double[] { 4, 1, 3, 2 }, 2.5)]
    public void MedianIsTheMiddleValue(double[] values, double median) =>
        Assert.Equal(median, NoisyNeighbourSummary.Median(values), precision: 9);

    [Fact]
    public void VerdictComparesMedianP99sOverRounds()
    {
        NoisyPhase[] phases =
        [
            Phase(1, false, p99: 10), Phase(1, true, p99: 12),
            Phase(2, false, p99: 20), Phase(2, true, p99: 40),
            Phase(3, false, p99: 14), Phase(3, true, p99: 16),
        ];

        var summary = NoisyNeighbourSummary.Create(10_000, 1024, 2000, 1_024_000, 5, 1.5, phases, 1.25, null);

        Assert.Equal(14, summary.P99AloneMs, precision: 9);
        Assert.Equal(16, summary.P99WithNoisyMs, precision: 9);
        Assert.Equal(16 / 14.0, summary.Ratio, precision: 9);
        Assert.True(summary.TargetMet);
        var rounds = summary.RoundRatios();
        Assert.Equal([1, 2, 3], rounds.Select(r => r.Round));
        Assert.Equal(1.2, rounds[0].Ratio, precision: 9);
        Assert.Equal(2.0, rounds[1].Ratio, precision: 9);
        Assert.Equal(16 / 14.0, rounds[2].Ratio, precision: 9);
        Assert.Equal(5 * 1_024_000 / 1048576.0, summary.NoisyTriedMbPerSec, precision: 9);
    }

    [Fact]
    public void VerdictMissesWhenTheRatioIsTooHighOrBLostRecords()
    {
        var slow = NoisyNeighbourSummary.Create(1, 1, 1, 1, 5, 0, [Phase(1, false, p99: 10), Phase(1, true, p99: 13)], 1.25, null);
        var lossy = NoisyNeighbourSummary.Create(1, 1, 1, 1, 5, 0, [Phase(1, false, p99: 10), Phase(1, true, p99: 10, notDelivered: 1)], 1.25, "boom");

        Assert.False(slow.TargetMet);
        Assert.False(lossy.TargetMet);
        Assert.Equal(1, lossy.SteadyNotDelivered);
    }

    [Fact]
    public void ReportNamesBothP99sAndTheVerdict()
    {
        var summary = NoisyNeighbourSummary.Create(10_000, 1024, 2000, 1_024_000, 5, 1.5,
            [Phase(1, false, p99: 10), Phase(1, true, p99: 12, noisy: new FloodWindow(5000, 4000, 0.98, 0.97, 0, 12, 250, 900))], 1.25, null);

        var report = NoisyNeighbourReport.Render(summary);

        Assert.Contains("| 1 | B with A |", report, StringComparison.Ordinal);
        Assert.Contains("0.98 (1.01x) | 4000 | 12, 250 / 900 |", report, StringComparison.Ordinal);
        Assert.Contains("B p99 alone 10.00 ms, with A 12.00 ms", report, StringComparison.Ordinal);
        Assert.Contains("ratio 1.20 (per round: round 1 1.20); target <= 1.25: met", report, StringComparison.Ordinal);
    }

    [Fact]
    public void MachineCpuCountsEveryBusyStateAgainstIdleAndIowait()
    {
        // user nice system idle iowait irq softirq steal guest guest_nice
        var start = MachineCpu.Parse("cpu  100 10 50 1000 40 5 5 0 30 0");
        var end = MachineCpu.Parse("cpu  250 10 100 1100 40 10 10 20 60 0");

        Assert.Equal(new MachineCpu(170, 1210), start);
        // 230 busy ticks of 330: of 2 processors, 1.39 cores busy.
        Assert.Equal(230 / 330.0 * 2, MachineCpu.CoresBetween(start, end, 2), precision: 9);
        Assert.Throws<FormatException>(() => MachineCpu.Parse("cpu0 1 2 3 4 5 6 7 8"));
    }

    private static NoisyPhase Phase(int round, bool with, double p99, int notDelivered = 0, FloodWindow? noisy = null) =>
        new(round, with, 30, new PhaseLatency(100, 100 - notDelivered, notDelivered, new LatencySummary(p99 / 2, p99 / 2, p99, p99, p99, p99)),
            3.3, noisy, 0.5, 0.4, 1.5);
}
