using Fjord.Protocol;
using Fjord.Security.Authorization;

namespace Fjord.Broker.Tests.Authorization;

/// <summary>Cluster-level APIs: DescribeCluster, ElectLeaders, partition reassignments.</summary>
public sealed partial class HandlerAuthorizationTests
{
    [Fact]
    public async Task DescribeClusterAnswersAnyoneAndReportsClusterOperationsOnlyWithDescribe()
    {
        var request = new DescribeClusterRequest { IncludeClusterAuthorizedOperations = true, EndpointType = 1 };

        var anyone = await CallAsync<DescribeClusterResponse>(request, 1);
        AssertError(ErrorCode.None, anyone.ErrorCode);
        Assert.NotEmpty(anyone.Brokers);
        Assert.Equal(0, anyone.ClusterAuthorizedOperations);
        Assert.Equal(int.MinValue, (await CallAsync<DescribeClusterResponse>(new DescribeClusterRequest { EndpointType = 1 }, 1)).ClusterAuthorizedOperations);

        GrantCluster(AclOperation.Describe);
        GrantCluster(AclOperation.Alter);
        Assert.Equal((1 << (int)AclOperation.Describe) | (1 << (int)AclOperation.Alter), (await CallAsync<DescribeClusterResponse>(request, 1)).ClusterAuthorizedOperations);
    }

    [Fact]
    public async Task ElectLeadersNeedsAlterOnTheCluster()
    {
        var request = new ElectLeadersRequest { ElectionType = 0, TopicPartitions = [new() { Topic = Name("authz-elect"), Partitions = [0] }], TimeoutMs = 10_000 };

        GrantCluster(AclOperation.Describe);
        var denied = await CallAsync<ElectLeadersResponse>(request, 2);
        AssertError(ErrorCode.ClusterAuthorizationFailed, denied.ErrorCode);
        AssertError(ErrorCode.ClusterAuthorizationFailed, Assert.Single(Assert.Single(denied.ReplicaElectionResults).PartitionResult).ErrorCode);

        GrantCluster(AclOperation.Alter);
        Assert.NotEqual((short)ErrorCode.ClusterAuthorizationFailed, (await CallAsync<ElectLeadersResponse>(request, 2)).ErrorCode);
    }

    [Fact]
    public async Task PartitionReassignmentsNeedAlterToChangeAndDescribeToList()
    {
        var topic = Name("authz-reassign");
        var alter = new AlterPartitionReassignmentsRequest { Topics = [new() { Name = topic, Partitions = [new() { PartitionIndex = 0, Replicas = null }] }] };
        var list = new ListPartitionReassignmentsRequest { Topics = null };

        var alterDenied = await CallAsync<AlterPartitionReassignmentsResponse>(alter, 0);
        AssertError(ErrorCode.ClusterAuthorizationFailed, alterDenied.ErrorCode);
        AssertError(ErrorCode.ClusterAuthorizationFailed, Assert.Single(Assert.Single(alterDenied.Responses).Partitions).ErrorCode);
        AssertError(ErrorCode.ClusterAuthorizationFailed, (await CallAsync<ListPartitionReassignmentsResponse>(list, 0)).ErrorCode);

        GrantCluster(AclOperation.Describe);
        AssertError(ErrorCode.ClusterAuthorizationFailed, (await CallAsync<AlterPartitionReassignmentsResponse>(alter, 0)).ErrorCode);
        Assert.NotEqual((short)ErrorCode.ClusterAuthorizationFailed, (await CallAsync<ListPartitionReassignmentsResponse>(list, 0)).ErrorCode);
        GrantCluster(AclOperation.Alter);
        Assert.NotEqual((short)ErrorCode.ClusterAuthorizationFailed, (await CallAsync<AlterPartitionReassignmentsResponse>(alter, 0)).ErrorCode);
    }
}
