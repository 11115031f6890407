using Fjord.Perf.Cli;
using Fjord.Perf.Consume;
using Fjord.Perf.Fetch;
using Fjord.Perf.Latency;
using Fjord.Perf.Produce;

namespace Fjord.Perf.Tests;

public sealed class BenchmarkOptionsTests
{
    [Fact]
    public void FetchManyDefaultsToAThousandPartitionsAndThreeHundredRounds()
    {
        var args = new ArgumentReader(["--topic", "t"]);

        var options = FetchManyOptions.Read(args);
        args.EnsureAllConsumed();

        Assert.Equal(new FetchManyOptions("t", 1000, 300, 10, 100, 500, false, 1, TimeSpan.FromSeconds(60), null), options);
    }

    [Fact]
    public void FetchManyReadsEveryKnob()
    {
        var args = new ArgumentReader(
        [
            "--topic", "t", "--partitions", "50", "--rounds", "7", "--warmup-rounds", "2", "--record-size", "10",
            "--fetch-wait-max-ms", "100", "--create-topic", "--replication-factor", "3", "--timeout-sec", "5", "--broker-pid", "42",
        ]);

        var options = FetchManyOptions.Read(args);
        args.EnsureAllConsumed();

        Assert.Equal(new FetchManyOptions("t", 50, 7, 2, 10, 100, true, 3, TimeSpan.FromSeconds(5), 42), options);
    }

    [Fact]
    public void FetchManyRejectsZeroPartitionsAndZeroWarmUp()
    {
        Assert.Throws<UsageException>(() => FetchManyOptions.Read(new ArgumentReader(["--topic", "t", "--partitions", "0"])));
        // The measured window starts at a statistics event after the warm-up: at least one round must precede it.
        Assert.Throws<UsageException>(() => FetchManyOptions.Read(new ArgumentReader(["--topic", "t", "--warmup-rounds", "0"])));
    }

    [Fact]
    public void E2eLatencyDefaultsToTwoThousandSamplesAtTwoHundredPerSecond()
    {
        var args = new ArgumentReader(["--topic", "t"]);

        var options = E2eLatencyOptions.Read(args);
        args.EnsureAllConsumed();

        Assert.Equal(new E2eLatencyOptions("t", 2000, 100, 200, 100, 500, false, 1, TimeSpan.FromSeconds(30)), options);
    }

    [Fact]
    public void E2eLatencyReadsEveryKnob()
    {
        var args = new ArgumentReader(
        [
            "--topic", "t", "--num-records", "10", "--warmup-records", "0", "--rate", "50", "--record-size", "16",
            "--fetch-wait-max-ms", "1000", "--create-topic", "--replication-factor", "2", "--timeout-sec", "3",
        ]);

        var options = E2eLatencyOptions.Read(args);
        args.EnsureAllConsumed();

        Assert.Equal(new E2eLatencyOptions("t", 10, 0, 50, 16, 1000, true, 2, TimeSpan.FromSeconds(3)), options);
    }

    [Fact]
    public void E2eLatencyRejectsRecordsTooSmallForTheTimestamp()
    {
        var ex = Assert.Throws<UsageException>(() => E2eLatencyOptions.Read(new ArgumentReader(["--topic", "t", "--record-size", "15"])));
        Assert.Contains("--record-size", ex.Message, StringComparison.Ordinal);
        Assert.Throws<UsageException>(() => E2eLatencyOptions.Read(new ArgumentReader(["--topic", "t", "--rate", "0"])));
    }

    [Fact]
    public void ProduceAndConsumeTakeABrokerPidAndTreatNoneOrNonPositiveAsAbsent()
    {
        Assert.Equal(1234, ProduceOptions.Read(new ArgumentReader(["--topic", "t", "--broker-pid", "1234"])).BrokerPid);
        Assert.Null(ProduceOptions.Read(new ArgumentReader(["--topic", "t"])).BrokerPid);
        Assert.Equal(99, ConsumeOptions.Read(new ArgumentReader(["--topic", "t", "--broker-pid", "99"])).BrokerPid);
        Assert.Null(ConsumeOptions.Read(new ArgumentReader(["--topic", "t", "--broker-pid", "0"])).BrokerPid);
        Assert.Throws<UsageException>(() => ConsumeOptions.Read(new ArgumentReader(["--topic", "t", "--broker-pid", "x"])));
    }
}
