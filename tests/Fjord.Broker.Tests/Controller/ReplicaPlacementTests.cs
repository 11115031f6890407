using Fjord.Controller;
using Fjord.Protocol;

namespace Fjord.Broker.Tests.Controller;

public sealed class ReplicaPlacementTests
{
    private static readonly Dictionary<int, int> NoLoad = [];

    private static BrokerInfo[] Brokers(params int[] ids) => [.. ids.Select(id => new BrokerInfo(id, null))];

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(42)]
    [InlineData(1234)]
    public void HundredPartitionsWithThreeReplicasOnFiveBrokersAreBalancedInLeadersAndReplicas(int seed)
    {
        var result = ReplicaPlacement.Assign(100, 3, Brokers(0, 1, 2, 3, 4), NoLoad, new Random(seed));

        Assert.True(result.Succeeded);
        Assert.Equal(100, result.Assignment.Count);
        var leaders = result.Assignment.GroupBy(r => r[0]).ToDictionary(g => g.Key, g => g.Count());
        var replicas = result.Assignment.SelectMany(r => r).GroupBy(b => b).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(5, leaders.Count);
        Assert.Equal(5, replicas.Count);
        Assert.All(leaders.Values, count => Assert.InRange(count, 19, 21));
        Assert.All(replicas.Values, count => Assert.InRange(count, 58, 62));
        Assert.All(result.Assignment, r => Assert.Equal(3, r.Distinct().Count()));
    }

    [Fact]
    public void FollowersOfOneBrokersPartitionsAreSpreadOverAllOtherBrokers()
    {
        var result = ReplicaPlacement.Assign(20, 2, Brokers(0, 1, 2, 3, 4), NoLoad, new Random(3));

        // The shift grows every turn of the ring, so broker 0's four partitions have four different followers.
        var followersOfEachLeader = result.Assignment.GroupBy(r => r[0]).Select(g => g.Select(r => r[1]).Distinct().Count());
        Assert.All(followersOfEachLeader, distinct => Assert.Equal(4, distinct));
    }

    [Fact]
    public void SameSeedGivesSamePlacement()
    {
        var a = ReplicaPlacement.Assign(12, 3, Brokers(1, 2, 3, 4), NoLoad, new Random(99));
        var b = ReplicaPlacement.Assign(12, 3, Brokers(1, 2, 3, 4), NoLoad, new Random(99));

        Assert.Equal(a.Assignment.Select(r => string.Join(',', r)), b.Assignment.Select(r => string.Join(',', r)));
    }

    [Fact]
    public void ReplicationFactorLargerThanLiveBrokersIsRefusedWithKafkasMessage()
    {
        var result = ReplicaPlacement.Assign(3, 4, Brokers(1, 2, 3), NoLoad, new Random(1));

        Assert.Equal(ErrorCode.InvalidReplicationFactor, result.Error);
        Assert.Equal("Replication factor: 4 larger than available brokers: 3.", result.ErrorMessage);
        Assert.Empty(result.Assignment);
    }

    [Fact]
    public void ZeroReplicationFactorAndZeroPartitionsAreRefused()
    {
        Assert.Equal(ErrorCode.InvalidReplicationFactor, ReplicaPlacement.Assign(3, 0, Brokers(1, 2), NoLoad, new Random(1)).Error);
        Assert.Equal(ErrorCode.InvalidPartitions, ReplicaPlacement.Assign(0, 1, Brokers(1, 2), NoLoad, new Random(1)).Error);
    }

    [Fact]
    public void ReplicationFactorEqualToBrokerCountPutsEveryBrokerInEveryPartition()
    {
        var result = ReplicaPlacement.Assign(6, 3, Brokers(5, 6, 7), NoLoad, new Random(5));

        Assert.All(result.Assignment, r => Assert.Equal([5, 6, 7], r.Order()));
        Assert.All(result.Assignment.GroupBy(r => r[0]), g => Assert.Equal(2, g.Count()));
    }

    [Fact]
    public void SingleBrokerTakesEveryPartition()
    {
        var result = ReplicaPlacement.Assign(4, 1, Brokers(9), NoLoad, new Random(5));

        Assert.All(result.Assignment, r => Assert.Equal([9], r));
    }

    [Fact]
    public void ThreeRacksGiveEveryPartitionThreeRacks()
    {
        BrokerInfo[] brokers =
        [
            new(0, "a"), new(1, "a"), new(2, "b"), new(3, "b"), new(4, "c"), new(5, "c"),
        ];
        var rackOf = brokers.ToDictionary(b => b.Id, b => b.Rack);

        var result = ReplicaPlacement.Assign(30, 3, brokers, NoLoad, new Random(11));

        Assert.True(result.Succeeded);
        Assert.All(result.Assignment, r => Assert.Equal(3, r.Select(id => rackOf[id]).Distinct().Count()));
        Assert.All(result.Assignment.GroupBy(r => r[0]), g => Assert.Equal(5, g.Count()));
        Assert.All(result.Assignment.SelectMany(r => r).GroupBy(b => b), g => Assert.Equal(15, g.Count()));
    }

    [Fact]
    public void UnevenRacksStillSpreadEachPartitionOverAsManyRacksAsItHasReplicas()
    {
        BrokerInfo[] brokers = [new(0, "a"), new(1, "a"), new(2, "a"), new(3, "b"), new(4, "c")];
        var rackOf = brokers.ToDictionary(b => b.Id, b => b.Rack);

        var rf3 = ReplicaPlacement.Assign(25, 3, brokers, NoLoad, new Random(2));
        var rf4 = ReplicaPlacement.Assign(25, 4, brokers, NoLoad, new Random(2));

        Assert.All(rf3.Assignment, r => Assert.Equal(3, r.Select(id => rackOf[id]).Distinct().Count()));
        Assert.All(rf4.Assignment, r =>
        {
            Assert.Equal(4, r.Distinct().Count());
            Assert.Equal(3, r.Select(id => rackOf[id]).Distinct().Count());
        });
    }

    [Fact]
    public void MoreReplicasThanRacksUseEveryRackThenDistinctBrokers()
    {
        BrokerInfo[] brokers = [new(0, "a"), new(1, "a"), new(2, "b"), new(3, "b")];
        var rackOf = brokers.ToDictionary(b => b.Id, b => b.Rack);

        var result = ReplicaPlacement.Assign(8, 3, brokers, NoLoad, new Random(4));

        Assert.All(result.Assignment, r =>
        {
            Assert.Equal(3, r.Distinct().Count());
            Assert.Equal(2, r.Select(id => rackOf[id]).Distinct().Count());
        });
    }

    [Fact]
    public void RacksOnSomeBrokersOnlyIsRefused()
    {
        BrokerInfo[] brokers = [new(0, "a"), new(1, null), new(2, "b")];

        var result = ReplicaPlacement.Assign(3, 2, brokers, NoLoad, new Random(1));

        Assert.Equal(ErrorCode.InvalidReplicaAssignment, result.Error);
        Assert.Equal("Not all brokers have rack information for replica rack aware assignment.", result.ErrorMessage);
    }

    [Fact]
    public void NewPartitionsGoToTheLeastLoadedBrokersFirst()
    {
        var load = new Dictionary<int, int> { [1] = 5, [2] = 5, [3] = 0, [4] = 0, [5] = 0 };

        var result = ReplicaPlacement.Assign(1, 3, Brokers(1, 2, 3, 4, 5), load, new Random(1));

        Assert.Equal([3, 4, 5], result.Assignment[0]);
    }

    [Fact]
    public void UnequalLoadIsEvenedOutByTheNewReplicas()
    {
        var load = new Dictionary<int, int> { [1] = 4, [2] = 0, [3] = 0, [4] = 0 };

        var result = ReplicaPlacement.Assign(4, 3, Brokers(1, 2, 3, 4), load, new Random(1));

        var totals = Brokers(1, 2, 3, 4).ToDictionary(b => b.Id, b => load.GetValueOrDefault(b.Id));
        foreach (var id in result.Assignment.SelectMany(r => r))
        {
            totals[id]++;
        }

        // 4 existing + 12 new = 16 over 4 brokers: the loaded broker takes nothing new until the others catch up.
        Assert.All(totals.Values, t => Assert.Equal(4, t));
        Assert.DoesNotContain(result.Assignment, r => r.Contains(1));
        Assert.Equal(3, result.Assignment.Select(r => r[0]).Distinct().Count());
    }

    [Fact]
    public void LoadedRackIsLastToLeadInRackAwarePlacement()
    {
        BrokerInfo[] brokers = [new(0, "a"), new(1, "b"), new(2, "c")];
        var load = new Dictionary<int, int> { [0] = 9, [1] = 0, [2] = 3 };

        var result = ReplicaPlacement.Assign(1, 1, brokers, load, new Random(1));

        Assert.Equal([1], result.Assignment[0]);
    }

    [Fact]
    public void UnequalLoadWithRacksStillSpreadsEachPartitionOverRacks()
    {
        BrokerInfo[] brokers = [new(0, "a"), new(1, "a"), new(2, "b"), new(3, "b"), new(4, "c"), new(5, "c")];
        var rackOf = brokers.ToDictionary(b => b.Id, b => b.Rack);
        var load = new Dictionary<int, int> { [0] = 6, [1] = 6 };

        var result = ReplicaPlacement.Assign(6, 3, brokers, load, new Random(1));

        Assert.All(result.Assignment, r => Assert.Equal(3, r.Select(id => rackOf[id]).Distinct().Count()));
        Assert.All(result.Assignment, r => Assert.Contains(r, id => rackOf[id] == "a"));
        // Rack spread outranks load: rack "a" must take a third of the new replicas even though it is loaded.
        var added = result.Assignment.SelectMany(r => r).GroupBy(b => b).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(6, added.Count);
        Assert.All(added.Values, count => Assert.Equal(3, count));
        Assert.DoesNotContain(result.Assignment, r => rackOf[r[0]] == "a");
    }

    [Fact]
    public void CreatePartitionsContinuesTheLeaderRingFromTheExistingCount()
    {
        var all = ReplicaPlacement.Assign(10, 2, Brokers(0, 1, 2, 3, 4), NoLoad, new Random(8));
        var tail = ReplicaPlacement.Assign(4, 2, Brokers(0, 1, 2, 3, 4), NoLoad, new Random(8), startPartition: 6);

        // Same start index, so partition p's preferred leader is the same broker either way (as in Kafka's
        // addPartitions, the follower shift is drawn afresh and may differ).
        Assert.Equal(all.Assignment.Skip(6).Select(r => r[0]), tail.Assignment.Select(r => r[0]));
        Assert.All(tail.Assignment, r => Assert.NotEqual(r[0], r[1]));
    }
}
