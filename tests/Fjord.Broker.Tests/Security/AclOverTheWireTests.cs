using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Testing;

namespace Fjord.Broker.Tests.Security;

/// <summary>One broker, SCRAM over SASL_PLAINTEXT, the ACL authorizer on.</summary>
public sealed class AclClusterFixture(AzuriteFixture azurite) : SecureClusterFixture(azurite)
{
    protected override string SaslListener => "SASL_PLAINTEXT";
    protected override int BrokerCount => 1;
    protected override IEnumerable<string> Users => ["alice", "wanda", "tina", "ida"];
}

/// <summary>
/// The ACL authorizer over the wire, driven by Confluent.Kafka as SCRAM users: without the ACL security.html names,
/// a call is refused with Kafka's error and leaves the resource unchanged (as the super user admin sees it); with it,
/// the call works. Each test uses its own resource names, so the ACLs one test creates never grant another's.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed partial class AclOverTheWireTests(AclClusterFixture fixture) : IClassFixture<AclClusterFixture>
{
    private const string Alice = "User:alice";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static string Name(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    private async Task CreateTopicAsync(string topic, int partitions = 1)
    {
        using var admin = fixture.Admin();
        await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = partitions, ReplicationFactor = 1 }]);
    }

    private Task AllowAsync(ResourceType type, string name, AclOperation operation, string principal = Alice, ResourcePatternType pattern = ResourcePatternType.Literal,
        string host = "*", AclPermissionType permission = AclPermissionType.Allow) =>
        fixture.AllowAsync(principal, type, name, operation, pattern, host, permission);

    /// <summary>Produces one record as <paramref name="user"/> with a fresh producer; the error code, or NoError.</summary>
    private async Task<ErrorCode> ProduceAsync(string user, string topic, Action<ProducerConfig>? configure = null)
    {
        using var producer = fixture.Producer(user, c =>
        {
            c.MessageTimeoutMs = 5_000;
            configure?.Invoke(c);
        });
        try
        {
            await producer.ProduceAsync(topic, new Message<string, string> { Key = "k", Value = user });
            return ErrorCode.NoError;
        }
        catch (ProduceException<string, string> e)
        {
            return e.Error.Code;
        }
    }

    /// <summary>What the super user sees: the end offset of partition 0.</summary>
    private long HighWatermark(string topic, int partition = 0)
    {
        using var consumer = fixture.Consumer(TestSecurity.AdminUser, Name("admin"));
        return consumer.QueryWatermarkOffsets(new TopicPartition(topic, partition), Timeout).High.Value;
    }

    private List<string> TopicsSeenBy(string user)
    {
        using var admin = fixture.Admin(user);
        return [.. admin.GetMetadata(Timeout).Topics.Where(t => t.Error.Code == ErrorCode.NoError).Select(t => t.Topic)];
    }

    [Fact]
    public async Task ProduceNeedsWriteOnTheTopic()
    {
        var topic = Name("produce");
        await CreateTopicAsync(topic);

        Assert.Equal(ErrorCode.TopicAuthorizationFailed, await ProduceAsync("alice", topic));
        Assert.Equal(0, HighWatermark(topic));

        await AllowAsync(ResourceType.Topic, topic, AclOperation.Write);
        Assert.Equal(ErrorCode.NoError, await ProduceAsync("alice", topic));
        Assert.Equal(1, HighWatermark(topic));
    }

    [Fact]
    public async Task ConsumingWithAGroupNeedsReadOnTheTopicAndTheGroup()
    {
        var topic = Name("consume");
        var group = Name("group");
        await CreateTopicAsync(topic);
        Assert.Equal(ErrorCode.NoError, await ProduceAsync(TestSecurity.AdminUser, topic));

        // Read on the topic alone: the group is refused.
        await AllowAsync(ResourceType.Topic, topic, AclOperation.Read);
        Assert.Equal(ErrorCode.GroupAuthorizationFailed, ConsumeOne(topic, group).Code);

        await AllowAsync(ResourceType.Group, group, AclOperation.Read);
        Assert.Equal(ErrorCode.NoError, ConsumeOne(topic, group).Code);
    }

    [Fact]
    public async Task ConsumingATopicWithoutReadIsRefused()
    {
        var topic = Name("noread");
        var group = Name("group");
        await CreateTopicAsync(topic);
        await AllowAsync(ResourceType.Group, group, AclOperation.Read);
        Assert.Equal(ErrorCode.TopicAuthorizationFailed, ConsumeOne(topic, group).Code);
    }

    /// <summary>Subscribes as alice and reads one record: NoError, or the first error the consumer reports.</summary>
    private Error ConsumeOne(string topic, string group)
    {
        using var consumer = fixture.Consumer("alice", group);
        consumer.Subscribe(topic);
        var deadline = DateTime.UtcNow + Timeout;
        try
        {
            while (DateTime.UtcNow < deadline)
            {
                try
                {
                    if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is not null)
                    {
                        consumer.Commit();
                        return new Error(ErrorCode.NoError);
                    }
                }
                catch (Exception e) when (e is ConsumeException or KafkaException)
                {
                    return ((KafkaException)e).Error;
                }
            }
            return new Error(ErrorCode.Local_TimedOut);
        }
        finally
        {
            consumer.Close();
        }
    }

    [Fact]
    public async Task CreateTopicNeedsCreateAndDeleteTopicNeedsDelete()
    {
        var topic = Name("created");
        using (var admin = fixture.Admin("alice"))
        {
            var refused = await Assert.ThrowsAsync<CreateTopicsException>(() =>
                admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = 1, ReplicationFactor = 1 }]));
            Assert.Equal(ErrorCode.TopicAuthorizationFailed, refused.Results[0].Error.Code);
        }
        Assert.DoesNotContain(topic, TopicsSeenBy(TestSecurity.AdminUser));

        await AllowAsync(ResourceType.Topic, topic, AclOperation.Create);
        using (var admin = fixture.Admin("alice"))
        {
            await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = 1, ReplicationFactor = 1 }]);
            var refused = await Assert.ThrowsAsync<DeleteTopicsException>(() => admin.DeleteTopicsAsync([topic]));
            Assert.Equal(ErrorCode.TopicAuthorizationFailed, refused.Results[0].Error.Code);
        }
        Assert.Contains(topic, TopicsSeenBy(TestSecurity.AdminUser));

        await AllowAsync(ResourceType.Topic, topic, AclOperation.Delete);
        using (var admin = fixture.Admin("alice"))
            await admin.DeleteTopicsAsync([topic]);
        await Poll.UntilAsync(() => !TopicsSeenBy(TestSecurity.AdminUser).Contains(topic), Timeout, $"{topic} to be deleted");
    }

    [Fact]
    public async Task DescribeConfigsAndAlterConfigsNeedTheirAcls()
    {
        var topic = Name("configs");
        await CreateTopicAsync(topic);
        var resource = new ConfigResource { Type = ResourceType.Topic, Name = topic };
        using (var admin = fixture.Admin("alice"))
        {
            var describe = await Assert.ThrowsAsync<DescribeConfigsException>(() => admin.DescribeConfigsAsync([resource]));
            Assert.Equal(ErrorCode.TopicAuthorizationFailed, describe.Results[0].Error.Code);
            var alter = await Assert.ThrowsAsync<IncrementalAlterConfigsException>(() => admin.IncrementalAlterConfigsAsync(
                new Dictionary<ConfigResource, List<ConfigEntry>> { [resource] = [new ConfigEntry { Name = "retention.ms", Value = "123456", IncrementalOperation = AlterConfigOpType.Set }] }));
            Assert.Equal(ErrorCode.TopicAuthorizationFailed, alter.Results[0].Error.Code);
        }
        Assert.NotEqual("123456", await RetentionAsync(TestSecurity.AdminUser, resource));

        await AllowAsync(ResourceType.Topic, topic, AclOperation.DescribeConfigs);
        await AllowAsync(ResourceType.Topic, topic, AclOperation.AlterConfigs);
        using (var admin = fixture.Admin("alice"))
        {
            await admin.IncrementalAlterConfigsAsync(
                new Dictionary<ConfigResource, List<ConfigEntry>> { [resource] = [new ConfigEntry { Name = "retention.ms", Value = "123456", IncrementalOperation = AlterConfigOpType.Set }] });
        }
        Assert.Equal("123456", await RetentionAsync("alice", resource));
    }

    private async Task<string> RetentionAsync(string user, ConfigResource resource)
    {
        using var admin = fixture.Admin(user);
        var result = await admin.DescribeConfigsAsync([resource]);
        return result[0].Entries["retention.ms"].Value;
    }

    [Fact]
    public async Task CreatePartitionsNeedsAlter()
    {
        var topic = Name("grow");
        await CreateTopicAsync(topic);
        using (var admin = fixture.Admin("alice"))
        {
            var refused = await Assert.ThrowsAsync<CreatePartitionsException>(() => admin.CreatePartitionsAsync([new PartitionsSpecification { Topic = topic, IncreaseTo = 2 }]));
            Assert.Equal(ErrorCode.TopicAuthorizationFailed, refused.Results[0].Error.Code);
        }
        Assert.Equal(1, PartitionCount(topic));

        await AllowAsync(ResourceType.Topic, topic, AclOperation.Alter);
        using (var admin = fixture.Admin("alice"))
            await admin.CreatePartitionsAsync([new PartitionsSpecification { Topic = topic, IncreaseTo = 2 }]);
        await Poll.UntilAsync(() => PartitionCount(topic) == 2, Timeout, $"{topic} to have two partitions");
    }

    private int PartitionCount(string topic)
    {
        using var admin = fixture.Admin();
        return admin.GetMetadata(topic, Timeout).Topics[0].Partitions.Count;
    }

    [Fact]
    public async Task DeleteRecordsNeedsDelete()
    {
        var topic = Name("trim");
        await CreateTopicAsync(topic);
        Assert.Equal(ErrorCode.NoError, await ProduceAsync(TestSecurity.AdminUser, topic));
        var end = new TopicPartitionOffset(topic, 0, 1);
        // Describe, so librdkafka finds the leader and the refusal comes from DeleteRecords itself (without it the
        // admin request waited on the unauthorized topic's leader past the test's hang timeout).
        await AllowAsync(ResourceType.Topic, topic, AclOperation.Describe);
        using (var admin = fixture.Admin("alice"))
        {
            var refused = await Assert.ThrowsAsync<DeleteRecordsException>(() => admin.DeleteRecordsAsync([end], new DeleteRecordsOptions { RequestTimeout = Timeout }));
            Assert.Equal(ErrorCode.TopicAuthorizationFailed, refused.Results[0].Error.Code);
        }
        Assert.Equal(0, LowWatermark(topic));

        await AllowAsync(ResourceType.Topic, topic, AclOperation.Delete);
        using (var admin = fixture.Admin("alice"))
            await admin.DeleteRecordsAsync([end], new DeleteRecordsOptions { RequestTimeout = Timeout });
        Assert.Equal(1, LowWatermark(topic));
    }

    private long LowWatermark(string topic)
    {
        using var consumer = fixture.Consumer(TestSecurity.AdminUser, Name("admin"));
        return consumer.QueryWatermarkOffsets(new TopicPartition(topic, 0), Timeout).Low.Value;
    }
}
