using Fjord.Perf.Cli;
using Fjord.Perf.Cluster;

namespace Fjord.Perf.Tests;

public sealed class ArgumentReaderTests
{
    [Fact]
    public void MisspelledOptionIsRejectedInsteadOfSilentlyDefaulted()
    {
        var args = new ArgumentReader(["--topic", "t", "--num-record", "5"]);
        _ = args.RequiredString("topic");
        _ = args.Long("num-records", 1);

        var ex = Assert.Throws<UsageException>(args.EnsureAllConsumed);
        Assert.Contains("--num-record", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValuesFlagsAndDefaultsAreRead()
    {
        var args = new ArgumentReader(["--mock", "--topic", "t", "--throughput", "-1", "--acks", "all"]);

        Assert.True(args.Flag("mock"));
        Assert.False(args.Flag("json"));
        Assert.Equal("t", args.RequiredString("topic"));
        Assert.Equal(-1, args.Long("throughput", 0));
        Assert.Equal(7, args.Int("partitions", 7));
        Assert.Equal(Confluent.Kafka.Acks.All, args.Choice("acks", Confluent.Kafka.Acks.Leader, Produce.ProduceOptions.AcksChoices));
        args.EnsureAllConsumed();
    }

    [Fact]
    public void ValueBelowMinimumIsRejected()
    {
        var args = new ArgumentReader(["--partitions", "0"]);

        Assert.Throws<UsageException>(() => args.Int("partitions", 1, min: 1));
    }

    [Fact]
    public void BootstrapAndMockTogetherAreRejected()
    {
        Assert.Throws<UsageException>(() => ClusterTarget.Read(new ArgumentReader(["--mock", "--bootstrap", "h:1"])));
        Assert.Throws<UsageException>(() => ClusterTarget.Read(new ArgumentReader([])));
    }
}
