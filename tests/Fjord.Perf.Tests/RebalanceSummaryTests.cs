using Fjord.Perf.Groups;

namespace Fjord.Perf.Tests;

public sealed class RebalanceSummaryTests
{
    [Fact]
    public void MedianOfAnOddCountIsTheMiddleValue() =>
        Assert.Equal(3.0, RebalanceSummary.Median([9, 1, 3]));

    [Fact]
    public void MedianOfAnEvenCountIsTheMeanOfTheTwoMiddleValues() =>
        Assert.Equal(2.5, RebalanceSummary.Median([4, 1, 2, 3]));

    [Fact]
    public void MedianOfNoRoundsIsZero() =>
        Assert.Equal(0.0, RebalanceSummary.Median([]));

    [Fact]
    public void SummaryTakesMedianAndMaxOfTheLeaveAndRejoinTimes()
    {
        var summary = RebalanceSummary.From("t", "g", 6, 3, 100,
        [
            new RebalanceRound(1, AssignedMs: 900, StableMs: 910, RejoinMs: 1000),
            new RebalanceRound(2, AssignedMs: 500, StableMs: 505, RejoinMs: 1200),
            new RebalanceRound(3, AssignedMs: 950, StableMs: 960, RejoinMs: 800),
        ]);

        Assert.Equal(910, summary.LeaveMedianMs);
        Assert.Equal(960, summary.LeaveMaxMs);
        Assert.Equal(1000, summary.RejoinMedianMs);
        Assert.Equal(1200, summary.RejoinMaxMs);
    }
}
