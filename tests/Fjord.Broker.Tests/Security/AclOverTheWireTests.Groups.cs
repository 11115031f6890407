using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Fjord.Testing;

namespace Fjord.Broker.Tests.Security;

public sealed partial class AclOverTheWireTests
{
    // Kafka's TRANSACTIONAL_ID resource type (5), which Confluent.Kafka's enum does not name.
    private const ResourceType TransactionalIdResource = (ResourceType)5;

    [Fact]
    public async Task GroupsAreListedDescribedCommittedFetchedAndDeletedOnlyWithTheirAcls()
    {
        var topic = Name("offsets");
        var group = Name("committed");
        await CreateTopicAsync(topic);
        var committed = new TopicPartitionOffset(topic, 0, 1);
        using (var consumer = fixture.Consumer(TestSecurity.AdminUser, group))
            consumer.Commit([committed]);

        // No Describe on the group: ListGroups leaves it out, DescribeGroups and DeleteGroups are refused.
        Assert.DoesNotContain(group, await GroupsSeenByAsync("alice"));
        using (var admin = fixture.Admin("alice"))
        {
            var describe = await Assert.ThrowsAsync<DescribeConsumerGroupsException>(() => admin.DescribeConsumerGroupsAsync([group]));
            Assert.Equal(ErrorCode.GroupAuthorizationFailed, describe.Results.ConsumerGroupDescriptions[0].Error.Code);
            var delete = await Assert.ThrowsAsync<DeleteGroupsException>(() => admin.DeleteGroupsAsync([group]));
            Assert.Equal(ErrorCode.GroupAuthorizationFailed, delete.Results[0].Error.Code);
        }
        Assert.Contains(group, await GroupsSeenByAsync(TestSecurity.AdminUser));

        await AllowAsync(ResourceType.Group, group, AclOperation.Describe);
        Assert.Contains(group, await GroupsSeenByAsync("alice"));
        using (var admin = fixture.Admin("alice"))
        {
            var describe = await admin.DescribeConsumerGroupsAsync([group]);
            Assert.Equal(ErrorCode.NoError, describe.ConsumerGroupDescriptions[0].Error.Code);
        }

        // Describe but no Read on the group (FindCoordinator needs Describe, as in Kafka): offset commit is refused
        // and the committed offset stays.
        await AllowAsync(ResourceType.Topic, topic, AclOperation.Read);
        using (var consumer = fixture.Consumer("alice", group))
        {
            var commit = Assert.ThrowsAny<KafkaException>(() => consumer.Commit([new TopicPartitionOffset(topic, 0, 0)]));
            Assert.Equal(ErrorCode.GroupAuthorizationFailed, commit.Error.Code);
        }
        // OffsetFetch needs Describe on the group (and the topic), which alice has: she reads the offset she could not move.
        Assert.Equal(1, CommittedBy("alice", group, topic));

        await AllowAsync(ResourceType.Group, group, AclOperation.Read);
        using (var consumer = fixture.Consumer("alice", group))
            consumer.Commit([new TopicPartitionOffset(topic, 0, 0)]);
        Assert.Equal(0, CommittedBy("alice", group, topic));

        await AllowAsync(ResourceType.Group, group, AclOperation.Delete);
        using (var admin = fixture.Admin("alice"))
            await admin.DeleteGroupsAsync([group]);
        Assert.DoesNotContain(group, await GroupsSeenByAsync(TestSecurity.AdminUser));
    }

    private async Task<List<string>> GroupsSeenByAsync(string user)
    {
        using var admin = fixture.Admin(user);
        var groups = await admin.ListConsumerGroupsAsync();
        return [.. groups.Valid.Select(g => g.GroupId)];
    }

    private long CommittedBy(string user, string group, string topic)
    {
        using var consumer = fixture.Consumer(user, group);
        return consumer.Committed([new TopicPartition(topic, 0)], Timeout)[0].Offset.Value;
    }

    [Fact]
    public async Task TransactionsNeedWriteOnTheTransactionalId()
    {
        var topic = Name("txn");
        var transactionalId = Name("tid");
        await CreateTopicAsync(topic);
        await AllowAsync(ResourceType.Topic, topic, AclOperation.Write, "User:tina");

        using (var refused = fixture.Producer("tina", c => { c.TransactionalId = transactionalId; c.EnableIdempotence = true; }))
        {
            var e = Assert.ThrowsAny<KafkaException>(() => refused.InitTransactions(Timeout));
            Assert.Equal(ErrorCode.TransactionalIdAuthorizationFailed, e.Error.Code);
        }

        await AllowAsync(TransactionalIdResource, transactionalId, AclOperation.Write, "User:tina");
        using (var producer = fixture.Producer("tina", c => { c.TransactionalId = transactionalId; c.EnableIdempotence = true; }))
        {
            producer.InitTransactions(Timeout);
            producer.BeginTransaction();
            await producer.ProduceAsync(topic, new Message<string, string> { Key = "k", Value = "in a transaction" });
            producer.CommitTransaction(Timeout);
        }
        // The record and its commit marker.
        Assert.Equal(2, HighWatermark(topic));
    }

    [Fact]
    public async Task AnIdempotentProducerNeedsIdempotentWriteOrWrite()
    {
        var topic = Name("idempotent");
        await CreateTopicAsync(topic);

        // InitProducerId without IdempotentWrite on the cluster or Write on any topic: CLUSTER_AUTHORIZATION_FAILED, fatal for the producer.
        using (var refused = new ProducerBuilder<string, string>(new ProducerConfig(fixture.ClientConfig("ida")) { EnableIdempotence = true, MessageTimeoutMs = 5_000 })
            .SetLogHandler((_, _) => { })
            .SetErrorHandler((_, _) => { })
            .Build())
        {
            var failed = await Assert.ThrowsAsync<ProduceException<string, string>>(() => refused.ProduceAsync(topic, new Message<string, string> { Key = "k", Value = "v" }));
            Assert.Contains(failed.Error.Code, new[] { ErrorCode.ClusterAuthorizationFailed, ErrorCode.Local_Fatal, ErrorCode.TopicAuthorizationFailed });
        }
        Assert.Equal(0, HighWatermark(topic));

        await AllowAsync(ResourceType.Broker, "kafka-cluster", AclOperation.IdempotentWrite, "User:ida");
        await AllowAsync(ResourceType.Topic, topic, AclOperation.Write, "User:ida");
        Assert.Equal(ErrorCode.NoError, await ProduceAsync("ida", topic, c => c.EnableIdempotence = true));
        Assert.Equal(1, HighWatermark(topic));
    }
}
