using Fjord.Perf.Fetch;
using Fjord.Perf.Suite;

namespace Fjord.Perf.Tests;

public sealed class FetchManySummaryTests
{
    [Fact]
    public void FetchRequestsAreSummedOverEveryBrokerConnection()
    {
        const string json = """
            {"name":"c#consumer-1","ts":123456789,"brokers":{
              "127.0.0.1:9092/bootstrap":{"nodeid":-1,"req":{"Fetch":0,"Metadata":2}},
              "127.0.0.1:9092/0":{"nodeid":0,"req":{"Fetch":40,"ListOffsets":1}},
              "127.0.0.1:9093/1":{"nodeid":1,"req":{"Fetch":2}},
              "127.0.0.1:9094/2":{"nodeid":2}}}
            """;

        Assert.Equal((123456789L, 42L), FetchStatistics.Parse(json));
    }

    [Fact]
    public void WindowRatesRoundsFetchesAndBrokerCpuOverTheSameStretch()
    {
        // 10 s between the two statistics events; 20,000 records of 100 B over 1,000 partitions = 20 rounds.
        var first = new FetchCounterSnapshot(5_000_000, 100, 10_000, new CpuTimes(1.0, 0.5));
        var last = new FetchCounterSnapshot(15_000_000, 140, 30_000, new CpuTimes(1.6, 0.7));

        var s = FetchManySummary.FromWindow("t", 1000, 100, 35, first, last);

        Assert.Equal(10, s.WindowSec, precision: 9);
        Assert.Equal(20, s.Rounds, precision: 9);
        Assert.Equal(40, s.FetchRequests);
        Assert.Equal(2, s.RoundsPerSec, precision: 9);
        Assert.Equal(4, s.FetchRequestsPerSec, precision: 9);
        Assert.Equal(2, s.FetchRequestsPerRound, precision: 9);
        Assert.Equal(0.8, s.BrokerCpu!.CpuSec, precision: 9);
        Assert.Equal(40, s.BrokerCpuMsPerRound!.Value, precision: 9);
        Assert.Equal(20, s.BrokerCpuMsPerFetch!.Value, precision: 9);
    }

    [Fact]
    public void WindowWithoutBrokerPidHasNoCpuFigures()
    {
        var s = FetchManySummary.FromWindow("t", 10, 1, 5, new FetchCounterSnapshot(0, 0, 0, null), new FetchCounterSnapshot(1_000_000, 3, 20, null));

        Assert.Null(s.BrokerCpu);
        Assert.Null(s.BrokerCpuMsPerRound);
        Assert.Null(s.BrokerCpuMsPerFetch);
    }

    [Fact]
    public void EmptyWindowIsRefused()
    {
        var snapshot = new FetchCounterSnapshot(7, 1, 1, null);

        Assert.Throws<InvalidOperationException>(() => FetchManySummary.FromWindow("t", 10, 1, 5, snapshot, snapshot));
    }
}
