using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.ControlPlane.Tenants;
using Fjord.Protocol;
using Fjord.Testing;
using ErrorCode = Confluent.Kafka.ErrorCode;
using WireError = Fjord.Protocol.ErrorCode;

namespace Fjord.Broker.Tests.Tenancy.EndToEnd;

/// <summary>
/// Two tenants run the same workload through unmodified Confluent.Kafka clients, topic <c>orders</c> and group
/// <c>billing</c> each: each reads back exactly its own records and sees no trace of the other, while the
/// operator sees both under their stored names.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class TenantIsolationTests(TenantClusterFixture fixture) : IClassFixture<TenantClusterFixture>
{
    private const string Topic = "orders";
    private const string Group = "billing";
    private const int Records = 60;
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task TwoTenantsRunTheSameWorkloadAndEachReadsBackExactlyItsOwnRecords()
    {
        var alpha = await fixture.TenantAsync("alpha");
        var beta = await fixture.TenantAsync("beta");
        await Task.WhenAll(RunWorkloadAsync(alpha), RunWorkloadAsync(beta));

        foreach (var (tenant, other) in new[] { (alpha, beta), (beta, alpha) })
        {
            using var admin = fixture.TenantAdmin(tenant);
            var metadata = admin.GetMetadata(TimeSpan.FromSeconds(10));
            Assert.Equal([Topic], metadata.Topics.Select(t => t.Topic).Order());
            var groups = await admin.ListConsumerGroupsAsync();
            Assert.Equal([Group], groups.Valid.Select(g => g.GroupId));
            var described = await admin.DescribeConsumerGroupsAsync([Group]);
            Assert.All(described.ConsumerGroupDescriptions, g => Assert.Equal(ErrorCode.NoError, g.Error.Code));
            var acls = await admin.DescribeAclsAsync(new AclBindingFilter
            {
                PatternFilter = new ResourcePatternFilter { Type = ResourceType.Any, ResourcePatternType = ResourcePatternType.Any },
                EntryFilter = new AccessControlEntryFilter { Operation = AclOperation.Any, PermissionType = AclPermissionType.Any },
            });
            Assert.NotEmpty(acls.AclBindings);
            Assert.All(acls.AclBindings, b =>
            {
                Assert.Equal("User:" + TenantAdministration.AdminName, b.Entry.Principal);
                Assert.DoesNotContain(other.Tenant.Id, b.Pattern.Name, StringComparison.Ordinal);
                Assert.DoesNotContain(tenant.Tenant.Id, b.Pattern.Name, StringComparison.Ordinal);
            });
            var configs = await admin.DescribeConfigsAsync([new ConfigResource { Type = Confluent.Kafka.Admin.ResourceType.Topic, Name = Topic }]);
            Assert.Equal(Topic, configs.Single().ConfigResource.Name);
            var cluster = await admin.DescribeClusterAsync();
            Assert.Equal(tenant.Tenant.ClusterId, cluster.ClusterId);
        }

        using var operatorAdmin = fixture.Admin();
        var all = operatorAdmin.GetMetadata(TimeSpan.FromSeconds(10)).Topics.Select(t => t.Topic).ToHashSet();
        Assert.Contains(alpha.Tenant.Id + "." + Topic, all);
        Assert.Contains(beta.Tenant.Id + "." + Topic, all);
        Assert.NotEqual(alpha.Tenant.ClusterId, (await operatorAdmin.DescribeClusterAsync()).ClusterId);
    }

    [Fact]
    public void EveryAdvertisedApiMovesATenantsNamesIntoItsNamespace()
    {
        var handlers = fixture.Cluster.InProcess(0).CreateHandlers(Fjord.Broker.Security.AllowAllAuthorizer.Instance);

        Assert.Equal(Protocol.EveryAdvertisedVersionTests.AdvertisedRanges.Keys.Order(), handlers.Select(h => h.ApiKey).Order());
        Assert.All(handlers, h => Assert.True(h.ServesTenants, $"{h.ApiKey} has no tenant rewrite: a tenant calling it would be cut off"));
    }

    [Fact]
    public async Task AnotherTenantsStoredNamesAndTopicIdAreAnsweredAsIfNothingWereThere()
    {
        var alpha = await fixture.TenantAsync("alpha");
        var beta = await fixture.TenantAsync("beta");
        await Task.WhenAll(RunWorkloadAsync(alpha), RunWorkloadAsync(beta));
        var betaTopic = beta.Tenant.Id + "." + Topic;
        Guid betaTopicId;
        await using (var operatorClient = await RawKafkaClient.ConnectTlsAsync(fixture.SaslBootstrap, fixture.Security.CaPath))
        {
            await operatorClient.AuthenticateScramAsync(TestSecurity.AdminUser, TestSecurity.AdminPassword);
            var operatorView = await operatorClient.SendAsync<MetadataResponse>(new MetadataRequest
            {
                Topics = [new MetadataRequest.MetadataRequestTopic { Name = betaTopic }],
                AllowAutoTopicCreation = false,
            }, 12);
            betaTopicId = Assert.Single(operatorView.Topics).TopicId;
            Assert.NotEqual(Guid.Empty, betaTopicId);
        }

        await using var client = await RawKafkaClient.ConnectTlsAsync(fixture.SaslBootstrap, fixture.Security.CaPath);
        await client.AuthenticateScramAsync(alpha.Admin.Username, alpha.Admin.Password);

        var byName = await client.SendAsync<MetadataResponse>(new MetadataRequest
        {
            Topics = [new MetadataRequest.MetadataRequestTopic { Name = betaTopic }, new MetadataRequest.MetadataRequestTopic { Name = "never-made" }],
            AllowAutoTopicCreation = false,
        }, 12);
        Assert.Equal(2, byName.Topics.Count);
        Assert.All(byName.Topics, t => Assert.Equal((short)WireError.UnknownTopicOrPartition, t.ErrorCode));
        Assert.Equal(betaTopic, byName.Topics[0].Name);

        var byId = await client.SendAsync<MetadataResponse>(new MetadataRequest
        {
            Topics = [new MetadataRequest.MetadataRequestTopic { Name = null, TopicId = betaTopicId }, new MetadataRequest.MetadataRequestTopic { Name = null, TopicId = Guid.NewGuid() }],
            AllowAutoTopicCreation = false,
        }, 12);
        // Whatever the broker answers for an id that names nothing, it answers for the other tenant's id.
        Assert.Equal(2, byId.Topics.Count);
        Assert.Equal((short)WireError.UnknownTopicId, byId.Topics[0].ErrorCode);
        Assert.Equal(byId.Topics[1].ErrorCode, byId.Topics[0].ErrorCode);
        Assert.Equal(byId.Topics[1].Name, byId.Topics[0].Name);
        Assert.Equal(byId.Topics[1].Partitions.Count, byId.Topics[0].Partitions.Count);

        var fetch = await client.SendAsync<FetchResponse>(new FetchRequest
        {
            MaxWaitMs = 0,
            MinBytes = 1,
            MaxBytes = 1 << 20,
            SessionEpoch = -1,
            Topics = [new FetchRequest.FetchTopic { TopicId = betaTopicId, Partitions = [new FetchRequest.FetchPartition { Partition = 0, FetchOffset = 0, PartitionMaxBytes = 1 << 20 }] }],
        }, 13);
        var partition = Assert.Single(Assert.Single(fetch.Responses).Partitions);
        Assert.Equal((short)WireError.UnknownTopicId, partition.ErrorCode);
        Assert.Equal(betaTopicId, fetch.Responses[0].TopicId);

        // The other tenant's admin, spelled as this tenant's principal, is a principal of this tenant that has nothing.
        using var alphaAdmin = fixture.TenantAdmin(alpha);
        var described = await alphaAdmin.DescribeAclsAsync(new AclBindingFilter
        {
            PatternFilter = new ResourcePatternFilter { Type = ResourceType.Any, ResourcePatternType = ResourcePatternType.Any },
            EntryFilter = new AccessControlEntryFilter { Principal = "User:" + beta.Admin.Username, Operation = AclOperation.Any, PermissionType = AclPermissionType.Any },
        });
        Assert.Empty(described.AclBindings);
    }

    /// <summary>One tenant's workload: create <c>orders</c>, produce records naming the tenant, consume them back in group <c>billing</c>.</summary>
    private async Task RunWorkloadAsync(CreatedTenant tenant)
    {
        using (var admin = fixture.TenantAdmin(tenant))
        {
            try
            {
                await admin.CreateTopicsAsync([new TopicSpecification { Name = Topic, NumPartitions = 3, ReplicationFactor = 1 }]);
            }
            catch (CreateTopicsException e) when (e.Results.All(r => r.Error.Code == ErrorCode.TopicAlreadyExists))
            {
                // The other test of this class made it already: the workload is the same.
            }
        }
        var expected = Enumerable.Range(0, Records).Select(i => $"{tenant.Tenant.Id}-{i}").ToHashSet();
        using (var producer = fixture.TenantProducer(tenant))
        {
            foreach (var value in expected)
                producer.Produce(Topic, new Message<string, string> { Key = value, Value = value });
            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
        }

        var seen = new HashSet<string>();
        using var consumer = fixture.TenantConsumer(tenant, Group);
        consumer.Subscribe(Topic);
        var deadline = DateTime.UtcNow + Generous;
        while (!expected.IsSubsetOf(seen) && DateTime.UtcNow < deadline)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(500));
            if (result?.Message is { } message)
            {
                Assert.StartsWith(tenant.Tenant.Id + "-", message.Value, StringComparison.Ordinal);
                seen.Add(message.Value);
            }
        }
        Assert.Superset(expected, seen);
        consumer.Commit();
        consumer.Close();
    }
}
