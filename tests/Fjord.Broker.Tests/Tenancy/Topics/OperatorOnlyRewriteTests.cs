using Fjord.Broker.Tenancy.Topics;
using Fjord.Protocol;
using static Fjord.Broker.Tests.Tenancy.Topics.TenantTopicsHarness;

namespace Fjord.Broker.Tests.Tenancy.Topics;

/// <summary>ElectLeaders, AlterPartitionReassignments and ListPartitionReassignments are the operator's: a tenant's request never reaches the handler.</summary>
public sealed class OperatorOnlyRewriteTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void ElectLeadersIsRefusedAtTheTopAndForEveryPartition(short version)
    {
        var rewrite = new ElectLeadersRewrite();
        var context = Context(ApiKey.ElectLeaders, version, Acme);
        var request = new ElectLeadersRequest { TopicPartitions = [new ElectLeadersRequest.TopicPartitionsData { Topic = "orders", Partitions = [0, 1, 1] }] };

        var refused = rewrite.ToStored(Acme, context, request);

        Assert.NotNull(refused);
        rewrite.ToClient(Acme, context, request, refused);
        Assert.Equal((short)ErrorCode.ClusterAuthorizationFailed, refused.ErrorCode);
        var topic = Assert.Single(refused.ReplicaElectionResults);
        Assert.Equal("orders", topic.Topic);
        Assert.Equal([0, 1], topic.PartitionResult.Select(p => p.PartitionId));
        Assert.All(topic.PartitionResult, p => Assert.Equal((short)ErrorCode.ClusterAuthorizationFailed, p.ErrorCode));
    }

    [Fact]
    public void ElectLeadersOfEveryPartitionIsRefusedAtTheTop()
    {
        var refused = new ElectLeadersRewrite().ToStored(Acme, Context(ApiKey.ElectLeaders, 2, Acme), new ElectLeadersRequest { TopicPartitions = null });

        Assert.NotNull(refused);
        Assert.Equal((short)ErrorCode.ClusterAuthorizationFailed, refused.ErrorCode);
        Assert.Empty(refused.ReplicaElectionResults);
    }

    [Fact]
    public void AlterPartitionReassignmentsIsRefusedAtTheTopAndForEveryPartition()
    {
        var rewrite = new AlterPartitionReassignmentsRewrite();
        var request = new AlterPartitionReassignmentsRequest();
        var topic = new AlterPartitionReassignmentsRequest.ReassignableTopic { Name = "orders" };
        topic.Partitions.Add(new AlterPartitionReassignmentsRequest.ReassignablePartition { PartitionIndex = 3, Replicas = [1, 2] });
        request.Topics.Add(topic);

        var refused = rewrite.ToStored(Acme, Context(ApiKey.AlterPartitionReassignments, 0, Acme), request);

        Assert.NotNull(refused);
        Assert.Equal((short)ErrorCode.ClusterAuthorizationFailed, refused.ErrorCode);
        var result = Assert.Single(refused.Responses);
        Assert.Equal("orders", result.Name);
        var partition = Assert.Single(result.Partitions);
        Assert.Equal(3, partition.PartitionIndex);
        Assert.Equal((short)ErrorCode.ClusterAuthorizationFailed, partition.ErrorCode);
    }

    [Fact]
    public void ListPartitionReassignmentsIsRefusedAndListsNothing()
    {
        var request = new ListPartitionReassignmentsRequest { Topics = null };

        var refused = new ListPartitionReassignmentsRewrite().ToStored(Acme, Context(ApiKey.ListPartitionReassignments, 0, Acme), request);

        Assert.NotNull(refused);
        Assert.Equal((short)ErrorCode.ClusterAuthorizationFailed, refused.ErrorCode);
        Assert.Empty(refused.Topics);
    }
}
