using Fjord.Cluster;
using Fjord.ControlPlane.Cluster;

namespace Fjord.ControlPlane.Tests.Cluster;

/// <summary>The status rules, on plain rows: liveness by lease, Kafka's partition health, and which status rows count.</summary>
public sealed class ClusterStatusComputationTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
    private static readonly ClusterStatusOptions Options = new(TimeSpan.FromSeconds(6), 1);
    private static readonly TimeSpan Refresh = TimeSpan.FromSeconds(60);
    private static readonly Guid[] Incarnations = [Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid()];

    private static BrokerRegistration Broker(int id, TimeSpan heartbeatAge, bool shuttingDown = false) =>
        new(id, Incarnations[id], [new BrokerEndpoint("SASL_SSL", "b" + id, 9093, "SASL_SSL")], "rack" + id, Now - heartbeatAge, shuttingDown);

    private static BrokerStatus Row(int id, TimeSpan age, BrokerTierLag? lag = null, Guid? incarnation = null) =>
        new(id, incarnation ?? Incarnations[id], "1.0", Now - TimeSpan.FromHours(1), Now - age, Refresh, 1, 2, 0, lag ?? BrokerTierLag.None);

    private static TopicMetadata Topic(string name, int partitions, short rf = 3, string? minIsr = null) =>
        new(name, Guid.NewGuid(), partitions, rf, minIsr is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["min.insync.replicas"] = minIsr });

    private static PartitionState Partition(string topic, int p, int leader, int[] isr, int[]? replicas = null, int[]? adding = null) =>
        new(topic, p, replicas ?? [0, 1, 2], leader, 1, isr, 1, adding);

    private static readonly ControllerLease Controller0 = new(0, Incarnations[0], 4);

    private static BrokerRegistration[] ThreeAlive => [Broker(0, TimeSpan.FromSeconds(1)), Broker(1, TimeSpan.FromSeconds(1)), Broker(2, TimeSpan.FromSeconds(1))];

    private static BrokerStatus[] ThreeRows => [Row(0, TimeSpan.FromSeconds(5)), Row(1, TimeSpan.FromSeconds(5)), Row(2, TimeSpan.FromSeconds(5))];

    private static ClusterStatusView Compute(IReadOnlyList<BrokerRegistration> brokers, ControllerLease? controller, IReadOnlyList<TopicMetadata> topics,
        IReadOnlyList<PartitionState> partitions, IReadOnlyList<BrokerStatus> rows, bool detail = true) =>
        ClusterStatusComputation.Compute(brokers, controller, topics, partitions, rows, Now, Options, detail);

    [Fact]
    public void AClusterWithEveryReplicaInSyncIsHealthy()
    {
        var status = Compute(ThreeAlive, Controller0, [Topic("orders", 2)], [Partition("orders", 0, 0, [0, 1, 2]), Partition("orders", 1, 1, [1, 2, 0])], ThreeRows);

        Assert.Equal(ClusterHealth.Healthy, status.Health);
        Assert.Empty(status.Reasons);
        Assert.Equal(new PartitionHealthSummary(1, 2, 0, 0, 0), status.Partitions);
        Assert.Equal(new ControllerView(0, 4, true), status.Controller);
        Assert.All(status.Brokers, b => Assert.Equal(BrokerState.Alive, b.State));
        Assert.True(status.Brokers[0].IsController);
        Assert.Equal(["SASL_SSL://b1:9093"], status.Brokers[1].Endpoints);
        Assert.Empty(status.UnhealthyPartitions!);
    }

    [Fact]
    public void ABrokerWhoseHeartbeatIsOlderThanTheSessionTimeoutIsFencedAndItsPartitionsCountUnderReplicated()
    {
        var brokers = new[] { Broker(0, TimeSpan.FromSeconds(1)), Broker(1, TimeSpan.FromSeconds(1)), Broker(2, TimeSpan.FromSeconds(7)) };
        var partitions = new[] { Partition("orders", 0, 0, [0, 1]), Partition("orders", 1, 1, [1, 0]) };

        var status = Compute(brokers, Controller0, [Topic("orders", 2, minIsr: "2")], partitions, ThreeRows);

        Assert.Equal(BrokerState.Fenced, status.Brokers[2].State);
        Assert.True(status.Brokers[2].StatusStale);
        Assert.Equal(new PartitionHealthSummary(1, 2, 2, 0, 0), status.Partitions);
        Assert.Equal(ClusterHealth.Degraded, status.Health);
        Assert.Contains(status.Reasons, r => r.Contains("Broker 2 is not alive", StringComparison.Ordinal));
        Assert.Contains(status.Reasons, r => r.Contains("2 partitions under-replicated", StringComparison.Ordinal));
        Assert.All(status.UnhealthyPartitions!, u => Assert.Equal([PartitionProblem.UnderReplicated], u.Problems));
    }

    [Fact]
    public void APartitionWithoutALeaderOrWithADeadLeaderIsOfflineAndMakesTheClusterUnavailable()
    {
        var brokers = new[] { Broker(0, TimeSpan.FromSeconds(1)), Broker(1, TimeSpan.FromSeconds(1)), Broker(2, TimeSpan.FromSeconds(30)) };
        var partitions = new[]
        {
            Partition("a", 0, PartitionState.NoLeader, [], [0]),
            Partition("b", 0, 2, [2], [2]),
            Partition("b", 1, 0, [0], [0]),
        };

        var status = Compute(brokers, Controller0, [Topic("a", 1, rf: 1), Topic("b", 2, rf: 1)], partitions, ThreeRows);

        Assert.Equal(ClusterHealth.Unavailable, status.Health);
        Assert.Equal(2, status.Partitions.Offline);
        Assert.Equal(1, status.Partitions.UnderMinIsr);
        Assert.Equal(["a", "b"], status.UnhealthyPartitions!.Select(u => u.Topic));
        Assert.Equal([PartitionProblem.Offline, PartitionProblem.UnderReplicated, PartitionProblem.UnderMinIsr], status.UnhealthyPartitions![0].Problems);
        Assert.Equal([PartitionProblem.Offline], status.UnhealthyPartitions![1].Problems);
        Assert.Contains(status.Reasons, r => r.Contains("2 partitions without a live leader", StringComparison.Ordinal));
    }

    [Fact]
    public void MinInsyncReplicasComesFromTheTopicOrElseTheDefault()
    {
        var partitions = new[] { Partition("strict", 0, 0, [0, 1]), Partition("lax", 0, 0, [0, 1]) };

        var status = Compute(ThreeAlive, Controller0, [Topic("strict", 1, minIsr: "3"), Topic("lax", 1)], partitions, ThreeRows);

        var strict = Assert.Single(status.UnhealthyPartitions!, u => u.Topic == "strict");
        Assert.Equal(3, strict.MinInsyncReplicas);
        Assert.Equal([PartitionProblem.UnderReplicated, PartitionProblem.UnderMinIsr], strict.Problems);
        Assert.Equal(1, status.UnhealthyPartitions!.Single(u => u.Topic == "lax").MinInsyncReplicas);
        Assert.Equal(1, status.Partitions.UnderMinIsr);
        Assert.Contains(status.Reasons, r => r.Contains("below min.insync.replicas", StringComparison.Ordinal));
    }

    [Fact]
    public void AReplicaAReassignmentIsStillAddingIsNotMissingFromTheIsr()
    {
        var partitions = new[] { Partition("moving", 0, 0, [0, 1], replicas: [0, 1, 2], adding: [2]) };

        var status = Compute(ThreeAlive, Controller0, [Topic("moving", 1, rf: 2)], partitions, ThreeRows);

        Assert.Equal(0, status.Partitions.UnderReplicated);
        Assert.Equal(ClusterHealth.Healthy, status.Health);
    }

    [Fact]
    public void PartitionsTheControllerHasNotWrittenYetCountButAreNotOffline()
    {
        var status = Compute(ThreeAlive, Controller0, [Topic("new", 3)], [Partition("new", 0, 0, [0, 1, 2])], ThreeRows);

        Assert.Equal(new PartitionHealthSummary(1, 3, 0, 0, 0), status.Partitions);
    }

    [Fact]
    public void TierLagIsSummedOverFreshRowsOnlyAndStaleRowsAreFlagged()
    {
        var waitingSince = Now - TimeSpan.FromSeconds(90);
        var rows = new[]
        {
            Row(0, TimeSpan.FromSeconds(5), new BrokerTierLag(3, 3000, waitingSince, 1, "http-503-ServerBusy")),
            Row(1, TimeSpan.FromSeconds(5), new BrokerTierLag(2, 2000, Now - TimeSpan.FromSeconds(10), 0, null)),
            // Written by an earlier incarnation of broker 2, which has restarted since: not its current lag.
            Row(2, TimeSpan.FromSeconds(5), new BrokerTierLag(50, 50_000, Now - TimeSpan.FromHours(1), 4, "unreachable"), Guid.NewGuid()),
        };

        var status = Compute(ThreeAlive, Controller0, [], [], rows);

        Assert.Equal(5, status.Tier.Segments);
        Assert.Equal(5000, status.Tier.Bytes);
        Assert.Equal(90, status.Tier.OldestWaitingSeconds);
        Assert.Equal(1, status.Tier.FailingPartitions);
        Assert.Equal("http-503-ServerBusy", status.Tier.LastErrorKind);
        Assert.Equal([2], status.Tier.StaleBrokers);
        Assert.True(status.Brokers[2].StatusStale);
        Assert.Equal(50, status.Brokers[2].TierLag!.Segments);
        Assert.Equal(ClusterHealth.Degraded, status.Health);
        Assert.Contains(status.Reasons, r => r.Contains("Blob uploads are failing for 1 partition (last error: http-503-ServerBusy)", StringComparison.Ordinal));
        Assert.Contains(status.Reasons, r => r.Contains("Broker 2 is alive but its status row is missing or stale", StringComparison.Ordinal));
    }

    [Fact]
    public void ARowOlderThanItsRefreshIntervalAndASessionTimeoutIsStale()
    {
        var rows = new[]
        {
            Row(0, Refresh + TimeSpan.FromSeconds(5)),
            Row(1, Refresh + TimeSpan.FromSeconds(7), new BrokerTierLag(9, 9, null, 0, null)),
        };

        var status = Compute([Broker(0, TimeSpan.Zero), Broker(1, TimeSpan.Zero)], Controller0, [], [], rows);

        Assert.False(status.Brokers[0].StatusStale);
        Assert.True(status.Brokers[1].StatusStale);
        Assert.Equal(0, status.Tier.Segments);
    }

    [Fact]
    public void ADeadBrokerThatHostsNoReplicaIsListedButHarmsNothing()
    {
        var brokers = new[] { Broker(0, TimeSpan.FromSeconds(1)), Broker(1, TimeSpan.FromSeconds(1)), Broker(2, TimeSpan.FromDays(3)) };
        var partitions = new[] { Partition("orders", 0, 0, [0, 1], replicas: [0, 1]) };

        var status = Compute(brokers, Controller0, [Topic("orders", 1, rf: 2)], partitions, [Row(0, TimeSpan.Zero), Row(1, TimeSpan.Zero)]);

        Assert.Equal(BrokerState.Fenced, status.Brokers[2].State);
        Assert.Equal(ClusterHealth.Healthy, status.Health);
        Assert.Equal([2], status.Tier.StaleBrokers);
    }

    [Fact]
    public void NoControllerOrADeadOneIsDegradedAndNoLiveBrokerIsUnavailable()
    {
        var noController = Compute(ThreeAlive, null, [], [], ThreeRows);
        Assert.Equal(ClusterHealth.Degraded, noController.Health);
        Assert.Null(noController.Controller);

        var deadController = Compute([Broker(0, TimeSpan.FromSeconds(20)), Broker(1, TimeSpan.Zero)], Controller0, [], [], ThreeRows);
        Assert.Equal(new ControllerView(0, 4, false), deadController.Controller);
        Assert.Contains(deadController.Reasons, r => r.StartsWith("Controller 0 is not alive", StringComparison.Ordinal));

        var nobody = Compute([Broker(0, TimeSpan.FromSeconds(20))], Controller0, [], [], []);
        Assert.Equal(ClusterHealth.Unavailable, nobody.Health);
        Assert.Equal(ClusterHealth.Unavailable, Compute([], null, [], [], []).Health);
    }

    [Fact]
    public void AShuttingDownBrokerIsDegradedAndTheSummaryLeavesOutTheUnhealthyList()
    {
        var brokers = new[] { Broker(0, TimeSpan.Zero), Broker(1, TimeSpan.Zero, shuttingDown: true), Broker(2, TimeSpan.Zero) };

        var status = Compute(brokers, Controller0, [], [], ThreeRows, detail: false);

        Assert.Equal(BrokerState.ShuttingDown, status.Brokers[1].State);
        Assert.Equal(ClusterHealth.Degraded, status.Health);
        Assert.Null(status.UnhealthyPartitions);
    }
}
