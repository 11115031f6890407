using System.Diagnostics;
using Fjord.Perf.Produce;

namespace Fjord.Perf.Tests;

public sealed class LatencyRecorderTests
{
    private static readonly long Ms = Stopwatch.Frequency / 1000;

    [Fact]
    public void PercentilesAreTakenOverDeliveredRecordsOnly()
    {
        // 1000 records: record i takes (i + 1) ms, except the last 10 which fail.
        var recorder = new LatencyRecorder(1000);
        for (var i = 0; i < 1000; i++)
            recorder.MarkSent(i, 1_000_000);
        for (var i = 0; i < 990; i++)
            recorder.MarkDelivered(i, 1_000_000 + ((i + 1) * Ms));
        for (var i = 990; i < 1000; i++)
            recorder.MarkFailed(i);

        var summary = recorder.Summarize();

        Assert.Equal(990, summary.MaxMs, precision: 3);
        Assert.Equal(496, summary.P50Ms, precision: 3);   // index 495 of 990 sorted samples
        Assert.Equal(941, summary.P95Ms, precision: 3);   // index 940
        Assert.Equal(981, summary.P99Ms, precision: 3);   // index 980
        Assert.Equal(990, summary.P999Ms, precision: 3);  // index 989
        Assert.Equal(495.5, summary.AvgMs, precision: 3);
    }

    [Fact]
    public void NoDeliveredRecordGivesAnEmptySummary()
    {
        var recorder = new LatencyRecorder(3);
        recorder.MarkSent(0, 5);
        recorder.MarkFailed(0);

        Assert.Equal(LatencySummary.Empty, recorder.Summarize());
    }
}
