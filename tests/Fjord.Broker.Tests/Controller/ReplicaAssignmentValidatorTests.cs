using Fjord.Controller;
using Fjord.Protocol;

namespace Fjord.Broker.Tests.Controller;

public sealed class ReplicaAssignmentValidatorTests
{
    private static readonly HashSet<int> Registered = [1, 2, 3, 4];

    [Fact]
    public void AValidAssignmentIsReturnedAsIs()
    {
        IReadOnlyList<IReadOnlyList<int>> assignment = [[1, 2], [2, 3], [3, 4]];

        var result = ReplicaAssignmentValidator.Validate(assignment, Registered);

        Assert.True(result.Succeeded);
        Assert.Same(assignment, result.Assignment);
    }

    [Fact]
    public void ABrokerTwiceInOnePartitionIsRefused()
    {
        var result = ReplicaAssignmentValidator.Validate([[1, 2], [3, 2, 3]], Registered);

        Assert.Equal(ErrorCode.InvalidReplicaAssignment, result.Error);
        Assert.Equal("The manual partition assignment includes the broker 3 more than once.", result.ErrorMessage);
    }

    [Fact]
    public void AnUnknownBrokerIsRefused()
    {
        var result = ReplicaAssignmentValidator.Validate([[1, 7]], Registered);

        Assert.Equal(ErrorCode.InvalidReplicaAssignment, result.Error);
        Assert.Equal("The manual partition assignment includes broker 7, but no such broker is registered.", result.ErrorMessage);
    }

    [Fact]
    public void AnEmptyReplicaListIsRefused()
    {
        var result = ReplicaAssignmentValidator.Validate([[1], []], Registered);

        Assert.Equal(ErrorCode.InvalidReplicaAssignment, result.Error);
        Assert.Equal("The manual partition assignment includes an empty replica list.", result.ErrorMessage);
    }

    [Fact]
    public void ReplicationFactorThatChangesBetweenPartitionsIsRefused()
    {
        var result = ReplicaAssignmentValidator.Validate([[1, 2], [2, 3, 4]], Registered);

        Assert.Equal(ErrorCode.InvalidReplicaAssignment, result.Error);
        Assert.Equal(
            "The manual partition assignment includes a partition with 3 replica(s), but this is not consistent with previous partitions, which have 2 replica(s).",
            result.ErrorMessage);
    }

    [Fact]
    public void ReassignmentsMayChangeTheReplicationFactorWhenConsistencyIsNotRequired()
    {
        var result = ReplicaAssignmentValidator.Validate([[1, 2], [2, 3, 4]], Registered, requireConsistentReplicationFactor: false);

        Assert.True(result.Succeeded);
    }

    [Fact]
    public void CreateTopicsAssignmentsAreOrderedByPartitionIndex()
    {
        var result = ReplicaAssignmentValidator.ValidateCreateTopics([new(1, [2, 3]), new(0, [1, 2])], Registered);

        Assert.True(result.Succeeded);
        Assert.Equal([1, 2], result.Assignment[0]);
        Assert.Equal([2, 3], result.Assignment[1]);
    }

    [Fact]
    public void CreateTopicsWithAPartitionNamedTwiceIsRefused()
    {
        var result = ReplicaAssignmentValidator.ValidateCreateTopics([new(0, [1]), new(0, [2])], Registered);

        Assert.Equal(ErrorCode.InvalidReplicaAssignment, result.Error);
        Assert.Equal("Found multiple manual partition assignments for partition 0", result.ErrorMessage);
    }

    [Fact]
    public void CreateTopicsWithAGapInPartitionIndexesIsRefused()
    {
        var result = ReplicaAssignmentValidator.ValidateCreateTopics([new(0, [1]), new(2, [2])], Registered);

        Assert.Equal(ErrorCode.InvalidReplicaAssignment, result.Error);
        Assert.Equal("partitions should be a consecutive 0-based integer sequence", result.ErrorMessage);
    }

    [Fact]
    public void CreatePartitionsMustGrowTheTopic()
    {
        var shrink = ReplicaAssignmentValidator.ValidateCreatePartitions(3, 2, null, Registered, 2);
        var same = ReplicaAssignmentValidator.ValidateCreatePartitions(3, 3, null, Registered, 2);

        Assert.Equal(ErrorCode.InvalidPartitions, shrink.Error);
        Assert.Equal("Topic currently has 3 partitions, which is higher than the requested 2.", shrink.ErrorMessage);
        Assert.Equal(ErrorCode.InvalidPartitions, same.Error);
        Assert.Equal("Topic already has 3 partitions.", same.ErrorMessage);
    }

    [Fact]
    public void CreatePartitionsWithTooFewAssignmentsIsRefused()
    {
        var result = ReplicaAssignmentValidator.ValidateCreatePartitions(2, 5, [[1, 2]], Registered, 2);

        Assert.Equal(ErrorCode.InvalidReplicaAssignment, result.Error);
        Assert.Equal("Attempted to add 3 additional partition(s), but only 1 assignment(s) were specified.", result.ErrorMessage);
    }

    [Fact]
    public void CreatePartitionsAssignmentsMustKeepTheTopicsReplicationFactor()
    {
        var wrong = ReplicaAssignmentValidator.ValidateCreatePartitions(2, 3, [[1, 2, 3]], Registered, 2);
        var right = ReplicaAssignmentValidator.ValidateCreatePartitions(2, 3, [[3, 4]], Registered, 2);
        var automatic = ReplicaAssignmentValidator.ValidateCreatePartitions(2, 3, null, Registered, 2);

        Assert.Equal(ErrorCode.InvalidReplicaAssignment, wrong.Error);
        Assert.True(right.Succeeded);
        Assert.True(automatic.Succeeded);
        Assert.Empty(automatic.Assignment);
    }
}
