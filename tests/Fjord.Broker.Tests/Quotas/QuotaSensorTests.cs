using Fjord.Broker.Quotas;

namespace Fjord.Broker.Tests.Quotas;

/// <summary>
/// Kafka's sampled rate: a window of samples, never measured over less than (samples − 1) windows; and the token
/// bucket the throttle comes from, which holds a client that always wants more at its quota over any span.
/// </summary>
public sealed class QuotaSensorTests
{
    [Fact]
    public void AFirstBurstIsMeasuredAgainstNearlyTheWholeWindow()
    {
        var sensor = new QuotaSensor(11, 1000);

        var rate = sensor.Record(10_000, nowMs: 0);

        Assert.Equal(1000, rate);
        // Half a second on, the window is the half second since the first sample began plus the ten windows it lacks.
        Assert.Equal(10_000 / 10.5, sensor.Rate(500, out var window), 6);
        Assert.Equal(10_500, window);
    }

    [Fact]
    public void SamplesOlderThanTheWholeWindowNoLongerCount()
    {
        var sensor = new QuotaSensor(11, 1000);
        sensor.Record(10_000, 0);
        for (var t = 1000; t <= 10_000; t += 1000) sensor.Record(1000, t);

        Assert.Equal(20_000 / 10.0, sensor.Rate(10_000, out var window), 3);
        Assert.Equal(10_000, window);
        // At 11 s the first sample (started at 0) is out: ten samples of 1000 remain, the oldest from 1 s.
        Assert.Equal(10_000 / 10.0, sensor.Rate(11_000, out window), 3);
        Assert.Equal(10_000, window);
    }

    [Fact]
    public void AnIdleSensorFallsToZero()
    {
        var sensor = new QuotaSensor(11, 1000);
        sensor.Record(5000, 0);

        Assert.Equal(0, sensor.Rate(12_000, out _));
    }

    [Fact]
    public void UnrecordTakesAValueBack()
    {
        var sensor = new QuotaSensor(2, 1000);
        sensor.Record(300, 0);
        sensor.Record(700, 10);
        sensor.Unrecord(700);

        Assert.Equal(300 / 1.01, sensor.Rate(10, out _), 6);
    }

    [Fact]
    public void TheBucketLetsTheFirstWindowsWorthThroughAtOnceAndOwesTheDeficitAfterIt()
    {
        var sensor = new QuotaSensor(11, 1000);

        // 10 s at 1000/s: in, with nothing owed; 5000 more is 5 s at 1000/s.
        Assert.Equal(0, sensor.RecordAndGetThrottleMs(10_000, 0, quota: 1000));
        Assert.Equal(5000, sensor.RecordAndGetThrottleMs(5000, 0, quota: 1000));
        // The bucket refills only once the first (samples − 1) windows have passed, as the rate allows nothing more before.
        Assert.Equal(6000, sensor.RecordAndGetThrottleMs(1000, 9000, quota: 1000));
        // From 10 s it refills at the quota: at 14 s, 4000 of the 6000 owed are paid.
        Assert.Equal(2000, sensor.RecordAndGetThrottleMs(0, 14_000, quota: 1000));
        sensor.Unrecord(1000);
        Assert.Equal(0, sensor.RecordAndGetThrottleMs(0, 15_000, quota: 1000));
    }

    [Fact]
    public void AClientThatAlwaysWantsMoreIsHeldAtItsQuotaOverAnySpan()
    {
        // A client that sends 1000 whenever it is not told to wait, and then waits as long as it is told: after the
        // first burst, every 30 s span gets the quota's worth, where the sampled rate alone would let the burst
        // return every window and give a span between about 70% and 110% of it.
        const double quota = 10_000;
        var sensor = new QuotaSensor(11, 1000);
        var sent = new List<(double At, double Bytes)>();
        for (var now = 0d; now < 60_000;)
        {
            var throttle = sensor.RecordAndGetThrottleMs(1000, now, quota);
            sent.Add((now, 1000));
            now += 1 + Math.Min(throttle, 11_000);
        }
        for (var start = 12_000; start <= 30_000; start += 1000)
        {
            var rate = sent.Where(s => s.At >= start && s.At < start + 30_000).Sum(s => s.Bytes) / 30;
            Assert.InRange(rate, quota * 0.98, quota * 1.02);
        }
    }
}
