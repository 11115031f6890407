using Fjord.Cluster;
using Fjord.ControlPlane.Groups;

namespace Fjord.ControlPlane.Tests.Groups;

/// <summary>The sample history the brokers keep, and what the control plane derives from it: write times and rates.</summary>
public sealed class LagSamplingTests
{
    private static readonly LogSample[] Samples = [new(10_000, 100), new(20_000, 200), new(40_000, 300)];

    [Fact]
    public void AnOffsetBetweenTwoSamplesIsWrittenBetweenTheirTimesInterpolatedLinearly()
    {
        Assert.Equal(15_100, WriteTimeInterpolation.EstimateMs(Samples, 150, out var before));
        Assert.False(before);
        Assert.Equal(20_000, WriteTimeInterpolation.EstimateMs(Samples, 199, out _));
        Assert.Equal(20_200, WriteTimeInterpolation.EstimateMs(Samples, 200, out _));
    }

    [Fact]
    public void EveryEstimateLiesWithinTheGapOfTheSamplesAroundIt()
    {
        for (var offset = 100L; offset < 300; offset++)
        {
            var estimate = WriteTimeInterpolation.EstimateMs(Samples, offset, out _)!.Value;
            var (from, to) = offset < 200 ? (10_000L, 20_000L) : (20_000L, 40_000L);
            Assert.InRange(estimate, from, to);
        }
    }

    [Fact]
    public void AnOffsetOlderThanTheHistoryGetsTheOldestTimeAsALowerBoundOfItsAge()
    {
        Assert.Equal(10_000, WriteTimeInterpolation.EstimateMs(Samples, 50, out var before));
        Assert.True(before);
    }

    [Fact]
    public void AnOffsetAtOrPastTheNewestSampleHasNoWriteTimeYet()
    {
        Assert.Null(WriteTimeInterpolation.EstimateMs(Samples, 300, out _));
    }

    [Fact]
    public void TheRateIsMeasuredFromTheNewestSampleAWindowOldToNow()
    {
        LogSample[] steady = [new(0, 0), new(30_000, 3000), new(60_000, 6000)];
        Assert.Equal(100, RateEstimation.PerSecond(steady, 60_000, TimeSpan.FromMinutes(1))!.Value, 6);
        Assert.Equal(100, RateEstimation.PerSecond(steady, 60_000, TimeSpan.FromSeconds(30))!.Value, 6);
    }

    [Fact]
    public void AnOffsetThatStoppedMovingDecaysToARateOfZero()
    {
        LogSample[] steady = [new(0, 0), new(30_000, 3000), new(60_000, 6000)];
        Assert.Equal(50, RateEstimation.PerSecond(steady, 90_000, TimeSpan.FromMinutes(1))!.Value, 6);
        Assert.Equal(0, RateEstimation.PerSecond(steady, 120_000, TimeSpan.FromMinutes(1))!.Value, 6);
    }

    [Fact]
    public void OneSampleSaysNothingAboutARate()
    {
        Assert.Null(RateEstimation.PerSecond([new LogSample(0, 10)], 60_000, TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public void AHistoryAddsOnlyWhenTheOffsetMovesAndRestartsWhenItGoesBack()
    {
        var history = new SampleHistory(8, 0);
        Assert.True(history.Add(1000, 10));
        Assert.False(history.Add(2000, 10));
        Assert.True(history.Add(3000, 20));
        Assert.True(history.Add(4000, 5));
        Assert.Equal(new[] { new LogSample(4000, 5) }, history.Samples.ToArray());
    }

    [Fact]
    public void SamplesCloserThanTheSpacingReplaceTheNewest()
    {
        var history = new SampleHistory(8, 10_000);
        history.Add(0, 0);
        history.Add(1000, 10);
        history.Add(2000, 20);
        history.Add(15_000, 30);
        Assert.Equal(new[] { new LogSample(0, 0), new LogSample(2000, 20), new LogSample(15_000, 30) }, history.Samples.ToArray());
    }

    [Fact]
    public void AFullHistoryThinsItsMiddleAndKeepsItsFirstAndNewestSamples()
    {
        var history = new SampleHistory(8, 0);
        for (var i = 0; i < 1000; i++) history.Add(i * 1000L, i * 10L);
        var samples = history.Samples.ToArray();
        Assert.Equal(8, samples.Length);
        Assert.Equal(new LogSample(0, 0), samples[0]);
        Assert.Equal(new LogSample(999_000, 9990), samples[^1]);
        Assert.Equal(new LogSample(998_000, 9980), samples[^2]);
        Assert.All(samples.Zip(samples.Skip(1)), pair => Assert.True(pair.First.TimeMs < pair.Second.TimeMs));
        // Spread over the whole span, not crowded at its end: the oldest gap is far wider than the newest.
        Assert.True(samples[1].TimeMs - samples[0].TimeMs > 50 * (samples[^1].TimeMs - samples[^2].TimeMs));
    }

    [Fact]
    public void TheColumnEncodingRoundTrips()
    {
        Assert.Equal(Samples, SampleHistory.Decode(SampleHistory.Encode(Samples)));
        Assert.Empty(SampleHistory.Decode([1, 2, 3]));
    }

    [Fact]
    public void APartitionsLagIsTheHighWatermarkMinusTheCommittedOffsetAndItsAgeComesFromTheHistory()
    {
        var now = DateTimeOffset.FromUnixTimeMilliseconds(70_000);
        var stats = new PartitionStats("acme.orders", Guid.NewGuid(), 0, 1, 0, 0, 0, 300, 300, 30_000, DateTimeOffset.FromUnixTimeMilliseconds(40_000), Samples);
        var committed = new CommittedOffsetHistory(new CommittedOffset("acme.orders", 0, 150, 0, null, now), []);
        var lag = PartitionLagCalculator.Compute("orders", committed, stats, new RetentionSettings(3_600_000, -1), now, TimeSpan.FromMinutes(1));
        Assert.Equal(150, lag.Lag);
        Assert.Equal(300, lag.LogEndOffset);
        Assert.Equal((70_000 - 15_100) / 1000.0, lag.LagSeconds!.Value, 3);
        Assert.False(lag.LagSecondsIsLowerBound);
        Assert.Null(lag.ConsumeRate);

        var caughtUp = PartitionLagCalculator.Compute("orders", committed with { Offset = committed.Offset with { Offset = 300 } }, stats,
            new RetentionSettings(3_600_000, -1), now, TimeSpan.FromMinutes(1));
        Assert.Equal(0, caughtUp.Lag);
        Assert.Equal(0, caughtUp.LagSeconds);
    }

    [Fact]
    public void APartitionWithoutStatsHasUnknownFiguresAndForecast()
    {
        var now = DateTimeOffset.FromUnixTimeMilliseconds(70_000);
        var committed = new CommittedOffsetHistory(new CommittedOffset("acme.orders", 0, 150, 0, null, now), []);
        var lag = PartitionLagCalculator.Compute("orders", committed, null, new RetentionSettings(3_600_000, -1), now, TimeSpan.FromMinutes(1));
        Assert.Null(lag.Lag);
        Assert.Null(lag.LogEndOffset);
        Assert.Equal(ForecastStatus.Unknown, lag.Forecast.Status);
    }
}
