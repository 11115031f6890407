using Fjord.Log.Checkpoints;

namespace Fjord.Tiering.Tests;

public sealed class LeaderEpochsColumnTests
{
    [Fact]
    public void EpochsRoundTripThroughTheCompactColumn()
    {
        EpochEntry[] entries = [new(0, 0), new(7, 1_000_000_000_000), new(int.MaxValue, long.MaxValue)];

        var text = LeaderEpochsColumn.Format(entries);

        Assert.Equal("0:0,7:1000000000000,2147483647:9223372036854775807", text);
        Assert.Equal(entries, LeaderEpochsColumn.Parse(text));
    }

    [Fact]
    public void NoEpochsIsAnEmptyColumn()
    {
        Assert.Equal("", LeaderEpochsColumn.Format([]));
        Assert.Empty(LeaderEpochsColumn.Parse(""));
        Assert.Empty(LeaderEpochsColumn.Parse(null));
    }

    [Theory]
    [InlineData("1")]
    [InlineData("1:")]
    [InlineData(":5")]
    [InlineData("1:5,x:6")]
    public void AMalformedColumnIsRefused(string text) =>
        Assert.Throws<FormatException>(() => LeaderEpochsColumn.Parse(text));
}
