using Fjord.ControlPlane.Groups;

namespace Fjord.ControlPlane.Tests.Groups;

/// <summary>The forecast's arithmetic, case by case, against figures worked out by hand.</summary>
public sealed class RetentionForecasterTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    private static ForecastInput Input(long committed = 1000, long logStart = 0, long end = 1000, double lagSeconds = 0, double newestAge = 0,
        double? produce = 100, double? consume = 100, long retentionMs = 3_600_000, long retentionBytes = -1, double? recordBytes = null) =>
        new(committed, logStart, end, lagSeconds, newestAge, produce, consume, retentionMs, retentionBytes, recordBytes);

    [Fact]
    public void AGroupThatKeepsUpNeverLosesRecords()
    {
        Assert.Equal(ForecastStatus.Never, RetentionForecaster.Forecast(Input(), Now).Status);
    }

    [Fact]
    public void AConsumerWithinTheToleranceOfTheProducerCountsAsKeepingUp()
    {
        Assert.Equal(ForecastStatus.Never, RetentionForecaster.Forecast(Input(produce: 100, consume: 96), Now).Status);
        Assert.Equal(ForecastStatus.Expected, RetentionForecaster.Forecast(Input(produce: 100, consume: 94), Now).Status);
    }

    [Fact]
    public void ACaughtUpConsumerAtHalfTheProduceRateLosesRecordsAfterTwiceTheRetention()
    {
        var forecast = RetentionForecaster.Forecast(Input(consume: 50), Now);
        Assert.Equal(ForecastStatus.Expected, forecast.Status);
        Assert.Equal(7200, forecast.InSeconds!.Value, 3);
        Assert.Equal(Now.AddSeconds(7200), forecast.At);
        Assert.Equal("retention.ms", forecast.Limit);
    }

    [Fact]
    public void AStoppedConsumerLosesItsNextRecordWhenThatRecordReachesTheRetention()
    {
        var forecast = RetentionForecaster.Forecast(Input(committed: 0, lagSeconds: 600, consume: 0), Now);
        Assert.Equal(3000, forecast.InSeconds!.Value, 3);
    }

    [Fact]
    public void AnUnknownConsumeRateIsTakenAsAStoppedConsumer()
    {
        var forecast = RetentionForecaster.Forecast(Input(committed: 0, lagSeconds: 600, consume: null), Now);
        Assert.Equal(3000, forecast.InSeconds!.Value, 3);
    }

    [Fact]
    public void ASlowConsumerDrainsItsBacklogThenFallsBehindTheNewRecords()
    {
        // Backlog of 1000 read at 50/s: done after 20 s, its last record then 20 s old; from there the age grows 0.5 s a second.
        var forecast = RetentionForecaster.Forecast(Input(committed: 0, lagSeconds: 10, consume: 50), Now);
        Assert.Equal(20 + (3600 - 20) / 0.5, forecast.InSeconds!.Value, 3);
    }

    [Fact]
    public void ABacklogTooOldToReadInTimeIsLostWhileItIsBeingRead()
    {
        // 100000 records at 10/s take 10000 s; the next record's age climbs linearly from 3000 s to 10000 s and crosses 3600 s on the way.
        var forecast = RetentionForecaster.Forecast(Input(committed: 0, end: 100_000, lagSeconds: 3000, consume: 10), Now);
        Assert.Equal(10000 * (3600.0 - 3000) / (10000 - 3000), forecast.InSeconds!.Value, 3);
    }

    [Fact]
    public void AConsumerFasterThanTheProducerThatDrainsItsBacklogInTimeNeverLoses()
    {
        Assert.Equal(ForecastStatus.Never, RetentionForecaster.Forecast(Input(committed: 0, lagSeconds: 100, produce: 100, consume: 200), Now).Status);
    }

    [Fact]
    public void RecordsOlderThanTheRetentionButNotYetDeletedAreLostNow()
    {
        var forecast = RetentionForecaster.Forecast(Input(committed: 0, lagSeconds: 4000, consume: 0), Now);
        Assert.Equal(ForecastStatus.Expected, forecast.Status);
        Assert.Equal(0, forecast.InSeconds);
        Assert.Equal(Now, forecast.At);
    }

    [Fact]
    public void ACommittedOffsetBelowTheLogStartIsAlreadyLosingAndSaysHowMany()
    {
        var forecast = RetentionForecaster.Forecast(Input(committed: 5, logStart: 10), Now);
        Assert.Equal(ForecastStatus.Losing, forecast.Status);
        Assert.Equal(5, forecast.LostRecords);
        Assert.Equal(Now, forecast.At);
        Assert.Equal("log.start.offset", forecast.Limit);
    }

    [Fact]
    public void RetentionBytesLosesRecordsWhenTheLagOutgrowsWhatTheLogKeeps()
    {
        // 1 MB at 100 bytes a record keeps 10000 records; a lag of 4000 growing by 60 a second reaches it in 100 s.
        var forecast = RetentionForecaster.Forecast(Input(committed: 0, end: 4000, lagSeconds: 1, produce: 100, consume: 40, retentionMs: -1,
            retentionBytes: 1_000_000, recordBytes: 100), Now);
        Assert.Equal(ForecastStatus.Expected, forecast.Status);
        Assert.Equal(100, forecast.InSeconds!.Value, 3);
        Assert.Equal("retention.bytes", forecast.Limit);
    }

    [Fact]
    public void TheEarlierOfTheTwoLimitsIsTheForecast()
    {
        var bothLimits = Input(committed: 0, end: 4000, lagSeconds: 1, produce: 100, consume: 40, retentionMs: 3_600_000, retentionBytes: 1_000_000, recordBytes: 100);
        Assert.Equal("retention.bytes", RetentionForecaster.Forecast(bothLimits, Now).Limit);
        Assert.Equal("retention.ms", RetentionForecaster.Forecast(bothLimits with { RetentionMs = 30_000 }, Now).Limit);
    }

    [Fact]
    public void WithoutRetentionLimitsNothingIsEverLost()
    {
        Assert.Equal(ForecastStatus.Never, RetentionForecaster.Forecast(Input(committed: 0, lagSeconds: 100_000, consume: 0, retentionMs: -1), Now).Status);
    }

    [Fact]
    public void TheEarliestForecastPrefersRecordsAlreadyLostThenTheNearestLoss()
    {
        var soon = new RetentionForecast(ForecastStatus.Expected, Now.AddSeconds(10), 10, 0, "retention.ms");
        var later = new RetentionForecast(ForecastStatus.Expected, Now.AddSeconds(20), 20, 0, "retention.ms");
        var losing = new RetentionForecast(ForecastStatus.Losing, Now, 0, 3, "log.start.offset");
        Assert.Same(soon, RetentionForecast.Earliest(later, soon));
        Assert.Same(losing, RetentionForecast.Earliest(soon, losing));
        Assert.Same(soon, RetentionForecast.Earliest(RetentionForecast.Never, soon));
    }
}
