using Fjord.Perf.Cluster;
using Fjord.Perf.Groups;

namespace Fjord.Perf.Tests;

/// <summary>The commit command against librdkafka's in-process mock cluster, which has consumer groups.</summary>
public sealed class MockClusterCommitTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public void EveryCommitOfBothSeriesIsAccountedFor()
    {
        using var cluster = new ClusterTarget(null, UseMockCluster: true).Connect(Timeout);

        var summary = new CommitPerformance(
            new CommitOptions("perf-commit", Partitions: 3, NumCommits: 100, Group: "perf-commit-group", CreateTopic: true, ReplicationFactor: 1, Timeout),
            cluster).Run(CancellationToken.None);

        Assert.Equal(0, summary.Failed);
        Assert.Null(summary.FirstError);
        Assert.Equal(3, summary.Partitions);
        Assert.Equal("perf-commit-group", summary.Group);
        foreach (var series in new[] { summary.OnePartition, summary.AllPartitions })
        {
            // An empty series summarises to all zeros; a measured one has a positive maximum.
            Assert.True(series.MaxMs > 0);
            Assert.True(series.P50Ms <= series.P99Ms && series.P99Ms <= series.MaxMs);
        }
    }
}
