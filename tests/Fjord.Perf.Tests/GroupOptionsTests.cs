using Fjord.Perf.Cli;
using Fjord.Perf.Groups;

namespace Fjord.Perf.Tests;

public sealed class GroupOptionsTests
{
    [Fact]
    public void CommitOptionsDefaultToOnePartitionAndTwoThousandCommitsInAFreshGroup()
    {
        var args = new ArgumentReader(["--topic", "t"]);

        var options = CommitOptions.Read(args);
        args.EnsureAllConsumed();

        Assert.Equal(new CommitOptions("t", 1, 2_000, null, false, 1, TimeSpan.FromSeconds(30)), options);
        Assert.StartsWith("fjord-perf-commit-", options.GroupOrFresh(), StringComparison.Ordinal);
        Assert.NotEqual(options.GroupOrFresh(), options.GroupOrFresh());
    }

    [Fact]
    public void CommitOptionsReadEveryKnob()
    {
        var args = new ArgumentReader(
            ["--topic", "t", "--partitions", "8", "--num-commits", "50", "--group", "g", "--create-topic", "--replication-factor", "3", "--timeout-sec", "5"]);

        var options = CommitOptions.Read(args);
        args.EnsureAllConsumed();

        Assert.Equal(new CommitOptions("t", 8, 50, "g", true, 3, TimeSpan.FromSeconds(5)), options);
        Assert.Equal("g", options.GroupOrFresh());
    }

    [Fact]
    public void CommitOptionsRejectZeroCommitsAndAMissingTopic()
    {
        Assert.Throws<UsageException>(() => CommitOptions.Read(new ArgumentReader(["--topic", "t", "--num-commits", "0"])));
        Assert.Throws<UsageException>(() => CommitOptions.Read(new ArgumentReader(["--num-commits", "10"])));
    }

    [Fact]
    public void RebalanceOptionsDefaultToSixPartitionsThreeMembersFiveRounds()
    {
        var args = new ArgumentReader(["--topic", "t"]);

        var options = RebalanceOptions.Read(args);
        args.EnsureAllConsumed();

        Assert.Equal(new RebalanceOptions("t", 6, 3, 5, null, false, 1, TimeSpan.FromSeconds(60)), options);
        Assert.StartsWith("fjord-perf-rebalance-", options.GroupOrFresh(), StringComparison.Ordinal);
    }

    [Fact]
    public void RebalanceOptionsReadEveryKnob()
    {
        var args = new ArgumentReader(
            ["--topic", "t", "--partitions", "12", "--members", "4", "--rounds", "2", "--group", "g", "--create-topic", "--timeout-sec", "9"]);

        var options = RebalanceOptions.Read(args);
        args.EnsureAllConsumed();

        Assert.Equal(new RebalanceOptions("t", 12, 4, 2, "g", true, 1, TimeSpan.FromSeconds(9)), options);
    }

    [Fact]
    public void RebalanceNeedsAtLeastTwoMembersSoOneSurvivesTheLeave()
    {
        var ex = Assert.Throws<UsageException>(() => RebalanceOptions.Read(new ArgumentReader(["--topic", "t", "--members", "1"])));
        Assert.Contains("--members", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RebalanceHasNoKillVariantSoTheFlagIsAnUnknownOption()
    {
        var args = new ArgumentReader(["--topic", "t", "--kill"]);
        _ = RebalanceOptions.Read(args);

        var ex = Assert.Throws<UsageException>(args.EnsureAllConsumed);
        Assert.Contains("--kill", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("commit")]
    [InlineData("rebalance")]
    public void AMisspelledOptionExitsWithCodeTwoBeforeConnecting(string command)
    {
        // Port 1 is never a broker: reaching the connect step would exit 1, not 2.
        var exit = Program.Main([command, "--bootstrap", "127.0.0.1:1", "--topic", "t", "--num-commit", "5"]);

        Assert.Equal(2, exit);
    }
}
