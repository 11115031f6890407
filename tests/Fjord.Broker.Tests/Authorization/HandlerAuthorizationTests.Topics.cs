using Fjord.Broker.Tests.Protocol;
using Fjord.Protocol;
using Fjord.Security.Authorization;

namespace Fjord.Broker.Tests.Authorization;

/// <summary>Metadata and topic administration: Metadata, CreateTopics, DeleteTopics, CreatePartitions, the config APIs.</summary>
public sealed partial class HandlerAuthorizationTests
{
    private const int AllTopicOperations = (1 << 3) | (1 << 4) | (1 << 5) | (1 << 6) | (1 << 7) | (1 << 8) | (1 << 10) | (1 << 11);

    [Fact]
    public async Task AnAllTopicsMetadataListingNamesOnlyTopicsThePrincipalMayDescribe()
    {
        var visible = Name("authz-md-visible");
        var hidden = Name("authz-md-hidden");
        await RawScenario.CreateTopicAsync(_admin, visible);
        await RawScenario.CreateTopicAsync(_admin, hidden);
        Grant(AclOperation.Describe, ResourceType.Topic, visible);

        foreach (var version in new short[] { 0, 1, 12 })
        {
            var request = version == 0 ? new MetadataRequest { Topics = [] } : new MetadataRequest { Topics = null };
            var response = await CallAsync<MetadataResponse>(request, version);
            Assert.Contains(response.Topics, t => t.Name == visible);
            Assert.DoesNotContain(response.Topics, t => t.Name == hidden);
            Assert.All(response.Topics, t => Assert.NotEqual((short)ErrorCode.TopicAuthorizationFailed, t.ErrorCode));
        }
    }

    [Fact]
    public async Task AMetadataRequestNamingAnUndescribableTopicAnswersTopicAuthorizationFailedWhetherOrNotItExists()
    {
        var existing = Name("authz-md-named");
        var topicId = await RawScenario.CreateTopicAsync(_admin, existing);
        var missing = Name("authz-md-missing");
        var request = new MetadataRequest { Topics = [new() { Name = existing }, new() { Name = missing }], AllowAutoTopicCreation = false };

        var response = await CallAsync<MetadataResponse>(request, 12);
        foreach (var topic in response.Topics)
        {
            AssertError(ErrorCode.TopicAuthorizationFailed, topic.ErrorCode, topic.Name);
            Assert.Equal(Guid.Empty, topic.TopicId);
            Assert.Empty(topic.Partitions);
        }

        // By id: ids are not secret, the name behind one is.
        var byId = Assert.Single((await CallAsync<MetadataResponse>(new MetadataRequest { Topics = [new() { Name = null, TopicId = topicId }] }, 12)).Topics);
        AssertError(ErrorCode.TopicAuthorizationFailed, byId.ErrorCode);
        Assert.Null(byId.Name);

        Grant(AclOperation.Describe, ResourceType.Topic, existing);
        Grant(AclOperation.Describe, ResourceType.Topic, missing);
        response = await CallAsync<MetadataResponse>(request, 12);
        AssertError(ErrorCode.None, response.Topics.Single(t => t.Name == existing).ErrorCode);
        AssertError(ErrorCode.UnknownTopicOrPartition, response.Topics.Single(t => t.Name == missing).ErrorCode);
    }

    [Fact]
    public async Task MetadataAutoCreationNeedsCreateOnTheClusterOrTheTopic()
    {
        var wanted = Name("authz-md-autocreate");
        Grant(AclOperation.Describe, ResourceType.Topic, wanted);
        var request = new MetadataRequest { Topics = [new() { Name = wanted }], AllowAutoTopicCreation = true };

        var denied = Assert.Single((await CallAsync<MetadataResponse>(request, 12)).Topics);
        AssertError(ErrorCode.TopicAuthorizationFailed, denied.ErrorCode);
        Assert.DoesNotContain(wanted, Host.InProcess().Metadata.Current.TopicsByName.Keys);

        Grant(AclOperation.Create, ResourceType.Topic, wanted);
        var created = Assert.Single((await CallAsync<MetadataResponse>(request, 12)).Topics);
        Assert.NotEqual((short)ErrorCode.TopicAuthorizationFailed, created.ErrorCode);
        Assert.NotEqual(Guid.Empty, created.TopicId);
    }

    [Fact]
    public async Task MetadataAnswersKip430OperationSetsOnlyWhenAsked()
    {
        var topic = Name("authz-md-ops");
        await RawScenario.CreateTopicAsync(_admin, topic);
        Grant(AclOperation.Read, ResourceType.Topic, topic);
        GrantCluster(AclOperation.Describe);

        var plain = await CallAsync<MetadataResponse>(new MetadataRequest { Topics = [new() { Name = topic }] }, 10);
        Assert.Equal(int.MinValue, Assert.Single(plain.Topics).TopicAuthorizedOperations);
        Assert.Equal(int.MinValue, plain.ClusterAuthorizedOperations);

        var asked = await CallAsync<MetadataResponse>(new MetadataRequest
        {
            Topics = [new() { Name = topic }],
            IncludeTopicAuthorizedOperations = true,
            IncludeClusterAuthorizedOperations = true,
        }, 10);
        // Read implies Describe.
        Assert.Equal((1 << (int)AclOperation.Read) | (1 << (int)AclOperation.Describe), Assert.Single(asked.Topics).TopicAuthorizedOperations);
        Assert.Equal(1 << (int)AclOperation.Describe, asked.ClusterAuthorizedOperations);
    }

    [Fact]
    public async Task CreateTopicsWithoutCreateCreatesNothing()
    {
        var topic = Name("authz-create");
        var request = new CreateTopicsRequest { TimeoutMs = 30_000 };
        request.Topics.Add(new CreateTopicsRequest.CreatableTopic { Name = topic, NumPartitions = 1, ReplicationFactor = 1 });

        var denied = Assert.Single((await CallAsync<CreateTopicsResponse>(request, 7)).Topics);
        AssertError(ErrorCode.TopicAuthorizationFailed, denied.ErrorCode);
        await Host.InProcess().Metadata.RefreshAsync(force: true, CancellationToken.None);
        Assert.DoesNotContain(topic, Host.InProcess().Metadata.Current.TopicsByName.Keys);

        // Create on the topic is enough (no CLUSTER_AUTHORIZATION_FAILED ever); without DescribeConfigs the configs are withheld (KIP-525).
        Grant(AclOperation.Create, ResourceType.Topic, topic);
        var created = Assert.Single((await CallAsync<CreateTopicsResponse>(request, 7)).Topics);
        AssertError(ErrorCode.None, created.ErrorCode);
        AssertError(ErrorCode.TopicAuthorizationFailed, created.TopicConfigErrorCode, "topic config error");
        Assert.True(created.Configs is null or { Count: 0 });
    }

    [Fact]
    public async Task CreateTopicsWithCreateOnTheClusterAndDescribeConfigsShowsTheConfigs()
    {
        var topic = Name("authz-create-cluster");
        GrantCluster(AclOperation.Create);
        Grant(AclOperation.DescribeConfigs, ResourceType.Topic, topic);
        var request = new CreateTopicsRequest { TimeoutMs = 30_000 };
        request.Topics.Add(new CreateTopicsRequest.CreatableTopic { Name = topic, NumPartitions = 1, ReplicationFactor = 1 });

        var created = Assert.Single((await CallAsync<CreateTopicsResponse>(request, 7)).Topics);
        AssertError(ErrorCode.None, created.ErrorCode);
        AssertError(ErrorCode.None, created.TopicConfigErrorCode);
        Assert.NotEmpty(created.Configs!);
    }

    [Fact]
    public async Task DeleteTopicsWithoutDeleteKeepsTheTopic()
    {
        var topic = Name("authz-delete");
        var topicId = await RawScenario.CreateTopicAsync(_admin, topic);
        var missing = Name("authz-delete-missing");

        var byName = await CallAsync<DeleteTopicsResponse>(new DeleteTopicsRequest { TopicNames = [topic, missing], TimeoutMs = 30_000 }, 5);
        Assert.All(byName.Responses, r => AssertError(ErrorCode.TopicAuthorizationFailed, r.ErrorCode, r.Name));

        // By id: an undescribable topic's name is not given away; a describable one's is.
        var byIdRequest = new DeleteTopicsRequest { Topics = [new() { Name = null, TopicId = topicId }], TimeoutMs = 30_000 };
        var byId = Assert.Single((await CallAsync<DeleteTopicsResponse>(byIdRequest, 6)).Responses);
        AssertError(ErrorCode.TopicAuthorizationFailed, byId.ErrorCode);
        Assert.Null(byId.Name);
        Grant(AclOperation.Describe, ResourceType.Topic, topic);
        byId = Assert.Single((await CallAsync<DeleteTopicsResponse>(byIdRequest, 6)).Responses);
        AssertError(ErrorCode.TopicAuthorizationFailed, byId.ErrorCode);
        Assert.Equal(topic, byId.Name);
        Assert.Contains(topic, Host.InProcess().Metadata.Current.TopicsByName.Keys);

        Grant(AclOperation.Delete, ResourceType.Topic, topic);
        AssertError(ErrorCode.None, Assert.Single((await CallAsync<DeleteTopicsResponse>(byIdRequest, 6)).Responses).ErrorCode);
    }

    [Fact]
    public async Task CreatePartitionsWithoutAlterKeepsThePartitionCount()
    {
        var topic = Name("authz-partitions");
        await RawScenario.CreateTopicAsync(_admin, topic);
        var request = new CreatePartitionsRequest { TimeoutMs = 30_000 };
        request.Topics.Add(new CreatePartitionsRequest.CreatePartitionsTopic { Name = topic, Count = 3, Assignments = null });

        Grant(AclOperation.Describe, ResourceType.Topic, topic);
        AssertError(ErrorCode.TopicAuthorizationFailed, Assert.Single((await CallAsync<CreatePartitionsResponse>(request, 3)).Results).ErrorCode);
        Assert.Equal(1, Host.InProcess().Metadata.Current.TopicsByName[topic].PartitionCount);

        Grant(AclOperation.Alter, ResourceType.Topic, topic);
        AssertError(ErrorCode.None, Assert.Single((await CallAsync<CreatePartitionsResponse>(request, 3)).Results).ErrorCode);
    }

    [Fact]
    public async Task DescribeConfigsNeedsDescribeConfigsOnTheTopicOrTheCluster()
    {
        var topic = Name("authz-describe-configs");
        await RawScenario.CreateTopicAsync(_admin, topic);
        var missing = Name("authz-describe-configs-missing");
        var request = new DescribeConfigsRequest
        {
            Resources =
            [
                new() { ResourceType = 2, ResourceName = topic, ConfigurationKeys = null },
                new() { ResourceType = 2, ResourceName = missing, ConfigurationKeys = null },
                new() { ResourceType = 4, ResourceName = "", ConfigurationKeys = null },
            ],
        };

        Grant(AclOperation.Read, ResourceType.Topic, topic);
        var denied = await CallAsync<DescribeConfigsResponse>(request, 4);
        AssertError(ErrorCode.TopicAuthorizationFailed, denied.Results[0].ErrorCode, "topic");
        AssertError(ErrorCode.TopicAuthorizationFailed, denied.Results[1].ErrorCode, "missing topic");
        AssertError(ErrorCode.ClusterAuthorizationFailed, denied.Results[2].ErrorCode, "broker");
        Assert.All(denied.Results, r => Assert.Empty(r.Configs));

        Grant(AclOperation.AlterConfigs, ResourceType.Topic, topic); // implies DescribeConfigs
        GrantCluster(AclOperation.DescribeConfigs);
        var allowed = await CallAsync<DescribeConfigsResponse>(request, 4);
        AssertError(ErrorCode.None, allowed.Results[0].ErrorCode, "topic");
        AssertError(ErrorCode.TopicAuthorizationFailed, allowed.Results[1].ErrorCode, "missing topic");
        AssertError(ErrorCode.None, allowed.Results[2].ErrorCode, "broker");
    }

    [Theory]
    [InlineData((short)0)]
    [InlineData((short)1)]
    [InlineData((short)4)]
    public async Task DescribeConfigsNeverShowsASecret(short version)
    {
        GrantCluster(AclOperation.DescribeConfigs);
        var request = new DescribeConfigsRequest
        {
            Resources = [new() { ResourceType = 4, ResourceName = "", ConfigurationKeys = null }],
            IncludeSynonyms = version >= 1,
        };
        var result = Assert.Single((await CallAsync<DescribeConfigsResponse>(request, version)).Results);
        AssertError(ErrorCode.None, result.ErrorCode);
        foreach (var name in new[] { "ssl.keystore.password", "sasl.jaas.config" })
        {
            var config = Assert.Single(result.Configs, c => c.Name == name);
            Assert.True(config.IsSensitive, name);
            Assert.Null(config.Value);
            Assert.All(config.Synonyms, s => Assert.Null(s.Value));
            if (version >= 3) Assert.Equal(9, config.ConfigType); // PASSWORD
        }
        Assert.DoesNotContain(result.Configs, c => c.Value?.Contains("hunter2", StringComparison.Ordinal) == true);
        Assert.DoesNotContain(result.Configs.SelectMany(c => c.Synonyms), s => s.Value?.Contains("hunter2", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task AlterConfigsWithoutAlterConfigsLeavesTheTopicAsItWas()
    {
        var topic = Name("authz-alter-configs");
        await RawScenario.CreateTopicAsync(_admin, topic);
        var legacy = new AlterConfigsRequest
        {
            Resources = [new() { ResourceType = 2, ResourceName = topic, Configs = [new() { Name = "retention.ms", Value = "1234" }] }],
        };
        var incremental = new IncrementalAlterConfigsRequest
        {
            Resources = [new() { ResourceType = 2, ResourceName = topic, Configs = [new() { Name = "retention.ms", ConfigOperation = 0, Value = "5678" }] }],
        };
        var broker = new IncrementalAlterConfigsRequest { Resources = [new() { ResourceType = 4, ResourceName = "" }] };

        Grant(AclOperation.DescribeConfigs, ResourceType.Topic, topic);
        AssertError(ErrorCode.TopicAuthorizationFailed, Assert.Single((await CallAsync<AlterConfigsResponse>(legacy, 2)).Responses).ErrorCode);
        AssertError(ErrorCode.TopicAuthorizationFailed, Assert.Single((await CallAsync<IncrementalAlterConfigsResponse>(incremental, 1)).Responses).ErrorCode);
        AssertError(ErrorCode.ClusterAuthorizationFailed, Assert.Single((await CallAsync<IncrementalAlterConfigsResponse>(broker, 1)).Responses).ErrorCode);
        Assert.False((await Host.Store.GetTopicAsync(topic, CancellationToken.None))!.Configs.ContainsKey("retention.ms"));

        Grant(AclOperation.AlterConfigs, ResourceType.Topic, topic);
        AssertError(ErrorCode.None, Assert.Single((await CallAsync<AlterConfigsResponse>(legacy, 2)).Responses).ErrorCode);
        AssertError(ErrorCode.None, Assert.Single((await CallAsync<IncrementalAlterConfigsResponse>(incremental, 1)).Responses).ErrorCode);
        Assert.Equal("5678", (await Host.Store.GetTopicAsync(topic, CancellationToken.None))!.Configs["retention.ms"]);
    }

    [Fact]
    public void TopicOperationsOfKip430AreKafkasSupportedSet()
    {
        var allowAll = Fjord.Broker.Security.AllowAllAuthorizer.Instance;
        var session = new Fjord.Broker.Network.ClientSession(1, new Fjord.Broker.Configuration.ListenerEndpoint("PLAINTEXT", "127.0.0.1", 9092), System.Net.IPAddress.Loopback);
        var context = new Fjord.Broker.Network.RequestContext(ApiKey.Metadata, 12, 1, null, session);
        Assert.Equal(AllTopicOperations, Fjord.Broker.Handlers.RequestAuthorization.AuthorizedOperations(allowAll, context, ResourceType.Topic, "t"));
    }
}
