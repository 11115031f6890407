using Fjord.Cluster;
using Fjord.Controller;

namespace Fjord.Broker.Tests.Controller;

public sealed class ControllerPlannerTests
{
    private static readonly BrokerInfo[] AllBrokers = [new(1, null), new(2, null), new(3, null), new(4, null)];

    private static TopicMetadata Topic(string name, int partitions = 1, short rf = 3, IReadOnlyList<IReadOnlyList<int>>? assignment = null, Dictionary<string, string>? configs = null) =>
        new(name, Guid.NewGuid(), partitions, rf, configs ?? [], assignment);

    private static PartitionState State(string topic, int partition, int[] replicas, int leader, int[] isr, int leaderEpoch = 3, int partitionEpoch = 7) =>
        new(topic, partition, replicas, leader, leaderEpoch, isr, partitionEpoch);

    private static IReadOnlyList<PlannedChange> Plan(
        IReadOnlyList<TopicMetadata> topics,
        IReadOnlyList<PartitionState> states,
        int[] live,
        int[]? restarted = null,
        bool unclean = false,
        bool rebalance = false) =>
        ControllerPlanner.Plan(
            new ControllerPlanInput(topics, states, AllBrokers, live.ToHashSet(), (restarted ?? []).ToHashSet())
            {
                UncleanLeaderElectionEnable = unclean,
                RebalancePreferredLeaders = rebalance,
                LeaderImbalancePerBrokerPercentage = 10,
            },
            new Random(7));

    [Fact]
    public void ANewPartitionTakesItsManualAssignmentWithTheFirstLiveReplicaLeadingAndTheLiveOnesInSync()
    {
        var change = Assert.Single(Plan([Topic("t", assignment: [[2, 3, 4]])], [], live: [1, 3, 4]));

        Assert.Null(change.ExpectedPartitionEpoch);
        Assert.Equal(ControllerDecision.PartitionCreated, change.Decision);
        Assert.Equal([2, 3, 4], change.After.Replicas);
        Assert.Equal(3, change.After.Leader);
        Assert.Equal([3, 4], change.After.Isr);
        Assert.Equal(0, change.After.LeaderEpoch);
        Assert.Equal(0, change.After.PartitionEpoch);
    }

    [Fact]
    public void PartitionsWithoutAManualAssignmentArePlacedOnLiveBrokersOnlyAndAsManyAsThereAre()
    {
        var changes = Plan([Topic("t", partitions: 4, rf: 3, assignment: [[1], []])], [], live: [1, 2]);

        Assert.Equal([0, 1, 2, 3], changes.Select(c => c.After.Partition).Order());
        Assert.Equal([1], changes.Single(c => c.After.Partition == 0).After.Replicas);
        foreach (var placed in changes.Where(c => c.After.Partition > 0).Select(c => c.After))
        {
            Assert.Equal([1, 2], placed.Replicas.Order());
            Assert.Equal(placed.Replicas[0], placed.Leader);
        }
    }

    [Fact]
    public void NothingIsPlacedWhileNoBrokerIsAliveButAManualAssignmentOfDeadBrokersWaitsLeaderless()
    {
        Assert.Empty(Plan([Topic("auto")], [], live: []));

        var manual = Assert.Single(Plan([Topic("manual", assignment: [[2, 3]])], [], live: []));
        Assert.Equal(PartitionState.NoLeader, manual.After.Leader);
        Assert.Equal([2, 3], manual.After.Isr);
    }

    [Fact]
    public void PlacementSpreadsOverTheLeastLoadedBrokers()
    {
        var existing = Enumerable.Range(0, 4).Select(p => State("old", p, [1, 2], 1, [1, 2])).ToList();

        var change = Assert.Single(Plan([Topic("old", partitions: 4, rf: 2), Topic("new", rf: 2)], existing, live: [1, 2, 3, 4]));

        Assert.Equal([3, 4], change.After.Replicas.Order());
    }

    [Fact]
    public void ADeadLeaderIsReplacedByTheNextLiveIsrMemberInReplicaOrder()
    {
        var change = Assert.Single(Plan([Topic("t")], [State("t", 0, [1, 2, 3], leader: 1, isr: [1, 3, 2])], live: [2, 3]));

        Assert.Equal(ControllerDecision.LeaderElected, change.Decision);
        Assert.Equal(7, change.ExpectedPartitionEpoch);
        Assert.Equal(2, change.After.Leader);
        Assert.Equal(4, change.After.LeaderEpoch);
        Assert.Equal(8, change.After.PartitionEpoch);
        Assert.Equal([3, 2], change.After.Isr);
    }

    [Fact]
    public void ADeadFollowerLeavesTheIsrAndAHealthyPartitionIsNotRewritten()
    {
        var changes = Plan([Topic("t", partitions: 2)], [State("t", 0, [1, 2, 3], 1, [1, 2, 3]), State("t", 1, [1, 2], 1, [1, 2])], live: [1, 2]);

        var change = Assert.Single(changes);
        Assert.Equal(ControllerDecision.IsrShrunk, change.Decision);
        Assert.Equal(0, change.After.Partition);
        Assert.Equal(1, change.After.Leader);
        Assert.Equal(3, change.After.LeaderEpoch);
        Assert.Equal([1, 2], change.After.Isr);
        Assert.Equal(8, change.After.PartitionEpoch);
    }

    [Fact]
    public void ARestartedBrokerGivesUpItsLeadershipAndIsrPlacesThoughItIsAlive()
    {
        var changes = Plan(
            [Topic("t", partitions: 2)],
            [State("t", 0, [1, 2, 3], 1, [1, 2, 3]), State("t", 1, [2, 1, 3], 2, [2, 1, 3])],
            live: [1, 2, 3],
            restarted: [1]);

        var led = changes.Single(c => c.After.Partition == 0).After;
        Assert.Equal(2, led.Leader);
        Assert.Equal(4, led.LeaderEpoch);
        Assert.Equal([2, 3], led.Isr);
        Assert.Equal(8, led.PartitionEpoch);
        var followed = changes.Single(c => c.After.Partition == 1).After;
        Assert.Equal(2, followed.Leader);
        Assert.Equal(3, followed.LeaderEpoch);
        Assert.Equal([2, 3], followed.Isr);
    }

    [Fact]
    public void ARestartedSoleIsrMemberLeadsAgainUnderANewLeaderEpoch()
    {
        var change = Assert.Single(Plan([Topic("t")], [State("t", 0, [1, 2], 1, [1])], live: [1, 2], restarted: [1]));

        Assert.Equal(1, change.After.Leader);
        Assert.True(change.After.LeaderEpoch > 3);
        Assert.Equal(8, change.After.PartitionEpoch);
    }

    [Fact]
    public void WithNoLiveIsrMemberTheTopicsUncleanConfigDecidesOverTheBrokerDefault()
    {
        var state = State("t", 0, [1, 2], 1, [1]);

        var offline = Assert.Single(Plan([Topic("t")], [state], live: [2], unclean: true));
        Assert.Equal(ControllerDecision.UncleanLeaderElected, offline.Decision);

        var strict = Assert.Single(Plan([Topic("t", configs: new() { ["unclean.leader.election.enable"] = "false" })], [state], live: [2], unclean: true));
        Assert.Equal(ControllerDecision.PartitionOffline, strict.Decision);
        Assert.Equal([1], strict.After.Isr);

        var lenient = Assert.Single(Plan([Topic("t", configs: new() { ["unclean.leader.election.enable"] = "true" })], [state], live: [2]));
        Assert.Equal(2, lenient.After.Leader);
        Assert.Equal([2], lenient.After.Isr);
    }

    [Fact]
    public void ALeaderlessPartitionWhoseIsrMemberIsBackGetsItAsLeader()
    {
        var change = Assert.Single(Plan([Topic("t")], [State("t", 0, [1, 2, 3], PartitionState.NoLeader, [3])], live: [1, 3]));

        Assert.Equal(ControllerDecision.LeaderElected, change.Decision);
        Assert.Equal(3, change.After.Leader);
        Assert.Equal(4, change.After.LeaderEpoch);
    }

    [Fact]
    public void PreferredRebalanceMovesLeadershipOnlyForBrokersAboveTheImbalanceShare()
    {
        // Broker 1 is preferred for 2 partitions and leads neither (100% > 10%); broker 2 is preferred for one it leads.
        var states = new[]
        {
            State("t", 0, [1, 2], 2, [1, 2]),
            State("t", 1, [1, 2], 2, [2]),
            State("t", 2, [2, 1], 2, [2, 1]),
        };
        var topic = Topic("t", partitions: 3);

        Assert.Empty(Plan([topic], states, live: [1, 2], rebalance: false));
        var change = Assert.Single(Plan([topic], states, live: [1, 2], rebalance: true));

        Assert.Equal(ControllerDecision.PreferredLeaderElected, change.Decision);
        Assert.Equal(0, change.After.Partition);
        Assert.Equal(1, change.After.Leader);
        Assert.Equal(4, change.After.LeaderEpoch);
        Assert.Equal(8, change.After.PartitionEpoch);
    }

    [Fact]
    public void AReassignmentCompletesOnlyOnceEveryAddingReplicaIsInTheIsr()
    {
        var moving = new PartitionState("t", 0, [3, 4, 1], 1, 3, [1, 3], 7, AddingReplicas: [4], RemovingReplicas: [1]);

        Assert.Empty(Plan([Topic("t")], [moving], live: [1, 3, 4]));
        var change = Assert.Single(Plan([Topic("t")], [moving with { Isr = [1, 3, 4] }], live: [1, 3, 4]));

        Assert.Equal(ControllerDecision.ReassignmentCompleted, change.Decision);
        Assert.Equal([3, 4], change.After.Replicas);
        Assert.Equal([3, 4], change.After.Isr);
        Assert.Equal(3, change.After.Leader);
        Assert.Equal(4, change.After.LeaderEpoch);
        Assert.Equal(8, change.After.PartitionEpoch);
        Assert.False(change.After.IsReassigning);
    }

    [Fact]
    public void PartitionRowsOfAMissingTopicAreLeftAlone()
    {
        Assert.Empty(Plan([], [State("gone", 0, [1, 2], 1, [1, 2])], live: [2]));
    }

    [Fact]
    public void TheOffsetsTopicIsCreatedOnlyWhenMissingWithItsFactorCappedByTheLiveBrokers()
    {
        var offsets = ControllerPlanner.InternalTopicToCreate([], TopicNames.ConsumerOffsets, liveBrokers: 2, partitions: 50, replicationFactor: 3);

        Assert.Equal(TopicNames.ConsumerOffsets, offsets!.Name);
        Assert.Equal(50, offsets.PartitionCount);
        Assert.Equal((short)2, offsets.ReplicationFactor);
        Assert.Empty(offsets.Configs);
        Assert.Null(ControllerPlanner.InternalTopicToCreate([offsets], TopicNames.ConsumerOffsets, 3, 50, 3));
        Assert.Null(ControllerPlanner.InternalTopicToCreate([], TopicNames.TransactionState, 0, 50, 3));
    }

    [Fact]
    public void EveryLiveReplicaOfAnOffsetsPartitionRejoinsItsIsrWhileAnOrdinaryFollowerMustFetchFirst()
    {
        const string offsets = TopicNames.ConsumerOffsets;
        var changes = Plan([Topic(offsets), Topic("t")], [State(offsets, 0, [1, 2, 3], 1, [1]), State("t", 0, [1, 2, 3], 1, [1])], live: [1, 2]);

        // Broker 3 is not live (dead, or in controlled shutdown): it stays out until it is.
        var change = Assert.Single(changes);
        Assert.Equal(ControllerDecision.IsrExpanded, change.Decision);
        Assert.Equal(offsets, change.After.Topic);
        Assert.Equal(1, change.After.Leader);
        Assert.Equal(3, change.After.LeaderEpoch);
        Assert.Equal([1, 2], change.After.Isr);
        Assert.Equal(7, change.ExpectedPartitionEpoch);
        Assert.Equal(8, change.After.PartitionEpoch);

        Assert.Empty(Plan([Topic(offsets)], [State(offsets, 0, [1, 2, 3], 1, [1, 2, 3])], live: [1, 2, 3]));
    }

    [Fact]
    public void AnOffsetsPartitionWhoseIsrIsAllDeadIsLedByAnyLiveReplicaSinceNoneCanLackARecord()
    {
        const string offsets = TopicNames.ConsumerOffsets;
        var changes = Plan([Topic(offsets), Topic("t")], [State(offsets, 0, [1, 2, 3], 1, [1]), State("t", 0, [1, 2, 3], 1, [1])], live: [2, 3]);

        var coordinator = changes.Single(c => c.After.Topic == offsets);
        Assert.Equal(ControllerDecision.LeaderElected, coordinator.Decision);
        Assert.Equal(2, coordinator.After.Leader);
        Assert.Equal(4, coordinator.After.LeaderEpoch);
        Assert.Equal([2, 3], coordinator.After.Isr);

        // An ordinary partition waits offline for its last in-sync replica (unclean election is off).
        Assert.Equal(ControllerDecision.PartitionOffline, changes.Single(c => c.After.Topic == "t").Decision);
    }

    [Fact]
    public void ARestartedReplicaOfAnOffsetsPartitionGivesUpItsLeadershipAndIsBackInTheIsrInTheSameWrite()
    {
        const string offsets = TopicNames.ConsumerOffsets;
        var change = Assert.Single(Plan([Topic(offsets)], [State(offsets, 0, [1, 2, 3], 1, [1, 2, 3])], live: [1, 2, 3], restarted: [1]));

        Assert.Equal(2, change.After.Leader);
        Assert.Equal(4, change.After.LeaderEpoch);
        Assert.Equal([2, 3, 1], change.After.Isr);
        Assert.Equal(8, change.After.PartitionEpoch);
    }
}
