using Fjord.Broker.Quotas;

namespace Fjord.Broker.Tests.Quotas;

/// <summary>Kafka's sampled rate: a window of samples, never measured over less than (samples − 1) windows.</summary>
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
}
