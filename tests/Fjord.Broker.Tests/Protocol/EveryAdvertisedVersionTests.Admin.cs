using Fjord.Protocol;

namespace Fjord.Broker.Tests.Protocol;

public sealed partial class EveryAdvertisedVersionTests
{
    private const sbyte TopicResource = 2;
    private const sbyte BrokerResource = 4;
    private const sbyte DynamicTopicConfig = 1;
    private const sbyte DefaultConfig = 5;
    private const sbyte LongConfigType = 5;
    private const string DefaultRetentionMs = "604800000";

    [Theory]
    [MemberData(nameof(Versions), 0, 3)]
    public async Task CreatePartitionsGrowsATopicAtEveryVersion(short version)
    {
        var name = $"t-partitions-v{version}";
        await RawScenario.CreateTopicAsync(_client, name, partitions: 1);

        var validateOnly = await CreatePartitionsAsync(name, 5, version, validateOnly: true);
        Assert.Equal(0, validateOnly.ErrorCode);
        Assert.Single((await MetadataForAsync(name)).Partitions);

        var grown = await CreatePartitionsAsync(name, 3, version);
        Assert.Equal(0, grown.ErrorCode);
        Assert.Equal(3, (await MetadataForAsync(name)).Partitions.Count);
        Assert.Equal(0, await RawScenario.AppendAsync(_client, name, 2, BatchOf(1, "new-partition")));

        var shrink = await CreatePartitionsAsync(name, 2, version);
        Assert.Equal((short)ErrorCode.InvalidPartitions, shrink.ErrorCode);
        Assert.Equal(3, (await MetadataForAsync(name)).Partitions.Count);

        Assert.Equal((short)ErrorCode.UnknownTopicOrPartition, (await CreatePartitionsAsync("t-partitions-missing", 2, version)).ErrorCode);
    }

    private async Task<CreatePartitionsResponse.CreatePartitionsTopicResult> CreatePartitionsAsync(string topic, int count, short version, bool validateOnly = false)
    {
        var request = new CreatePartitionsRequest { TimeoutMs = 30_000, ValidateOnly = validateOnly };
        request.Topics.Add(new CreatePartitionsRequest.CreatePartitionsTopic { Name = topic, Count = count, Assignments = null });
        var result = Assert.Single((await _client.SendAsync<CreatePartitionsResponse>(request, version)).Results);
        Assert.Equal(topic, result.Name);
        return result;
    }

    [Theory]
    [MemberData(nameof(Versions), 0, 4)]
    public async Task DescribeConfigsReportsValuesAndSourcesAtEveryVersion(short version)
    {
        var name = $"t-describe-configs-v{version}";
        await RawScenario.CreateTopicAsync(_client, name, configs: new Dictionary<string, string> { ["retention.ms"] = "123456" });

        var all = await DescribeTopicConfigsAsync(name, version, keys: null, includeSynonyms: version >= 1);
        var retention = Assert.Single(all, c => c.Name == "retention.ms");
        var segmentBytes = Assert.Single(all, c => c.Name == "segment.bytes");
        Assert.Equal("123456", retention.Value);
        Assert.False(retention.IsSensitive);
        if (version == 0)
        {
            Assert.False(retention.IsDefault);
            Assert.True(segmentBytes.IsDefault);
        }
        else
        {
            Assert.Equal(DynamicTopicConfig, retention.ConfigSource);
            Assert.Equal(DefaultConfig, segmentBytes.ConfigSource);
            // Synonyms in precedence order: the topic override, then the broker property behind it.
            Assert.Equal(["retention.ms", "log.retention.ms"], retention.Synonyms.Select(s => s.Name));
            Assert.Equal(DynamicTopicConfig, retention.Synonyms[0].Source);
        }
        if (version >= 3) Assert.Equal(LongConfigType, retention.ConfigType);

        var one = await DescribeTopicConfigsAsync(name, version, keys: ["retention.ms"], includeSynonyms: false);
        Assert.Equal("retention.ms", Assert.Single(one).Name);

        var broker = await DescribeAsync(BrokerResource, "0", version, keys: null, includeSynonyms: false);
        Assert.Equal(0, broker.ErrorCode);
        Assert.NotEmpty(broker.Configs);

        var missing = await DescribeAsync(TopicResource, "t-describe-configs-missing", version, keys: null, includeSynonyms: false);
        Assert.Equal((short)ErrorCode.UnknownTopicOrPartition, missing.ErrorCode);
    }

    [Theory]
    [MemberData(nameof(Versions), 0, 2)]
    public async Task AlterConfigsReplacesEveryOverrideAtEveryVersion(short version)
    {
        var name = $"t-alter-configs-v{version}";
        await RawScenario.CreateTopicAsync(_client, name, configs: new Dictionary<string, string> { ["retention.ms"] = "123456" });

        var request = new AlterConfigsRequest();
        var resource = new AlterConfigsRequest.AlterConfigsResource { ResourceType = TopicResource, ResourceName = name };
        resource.Configs.Add(new AlterConfigsRequest.AlterableConfig { Name = "retention.bytes", Value = "999999" });
        request.Resources.Add(resource);
        var result = Assert.Single((await _client.SendAsync<AlterConfigsResponse>(request, version)).Responses);
        Assert.Equal(0, result.ErrorCode);
        Assert.Equal(name, result.ResourceName);
        Assert.Equal(TopicResource, result.ResourceType);

        // Legacy AlterConfigs replaces the whole set: retention.ms falls back to its default.
        var configs = await DescribeTopicConfigsAsync(name, 4, keys: null, includeSynonyms: false);
        Assert.Equal("999999", Assert.Single(configs, c => c.Name == "retention.bytes").Value);
        var retention = Assert.Single(configs, c => c.Name == "retention.ms");
        Assert.Equal(DefaultRetentionMs, retention.Value);
        Assert.Equal(DefaultConfig, retention.ConfigSource);
    }

    [Theory]
    [MemberData(nameof(Versions), 0, 1)]
    public async Task IncrementalAlterConfigsSetsAndDeletesSingleConfigsAtEveryVersion(short version)
    {
        var name = $"t-incremental-configs-v{version}";
        await RawScenario.CreateTopicAsync(_client, name, configs: new Dictionary<string, string> { ["retention.ms"] = "123456", ["retention.bytes"] = "777777" });

        var ok = await IncrementalAlterAsync(name, version, ("segment.bytes", 0, "1048576"), ("retention.ms", 1, null));
        Assert.Equal(0, ok.ErrorCode);

        var configs = await DescribeTopicConfigsAsync(name, 4, keys: null, includeSynonyms: false);
        Assert.Equal("1048576", Assert.Single(configs, c => c.Name == "segment.bytes").Value);
        Assert.Equal(DefaultRetentionMs, Assert.Single(configs, c => c.Name == "retention.ms").Value);
        Assert.Equal("777777", Assert.Single(configs, c => c.Name == "retention.bytes").Value); // untouched: incremental, not replace-all

        var invalid = await IncrementalAlterAsync(name, version, ("retention.ms", 0, "soon"));
        Assert.Equal((short)ErrorCode.InvalidConfig, invalid.ErrorCode);
        Assert.Equal(DefaultRetentionMs, Assert.Single(await DescribeTopicConfigsAsync(name, 4, ["retention.ms"], false)).Value);
    }

    private async Task<IncrementalAlterConfigsResponse.AlterConfigsResourceResponse> IncrementalAlterAsync(string topic, short version,
        params (string Name, sbyte Operation, string? Value)[] changes)
    {
        var request = new IncrementalAlterConfigsRequest();
        var resource = new IncrementalAlterConfigsRequest.AlterConfigsResource { ResourceType = TopicResource, ResourceName = topic };
        foreach (var (configName, operation, value) in changes)
            resource.Configs.Add(new IncrementalAlterConfigsRequest.AlterableConfig { Name = configName, ConfigOperation = operation, Value = value });
        request.Resources.Add(resource);
        var result = Assert.Single((await _client.SendAsync<IncrementalAlterConfigsResponse>(request, version)).Responses);
        Assert.Equal(topic, result.ResourceName);
        return result;
    }

    private async Task<List<DescribeConfigsResponse.DescribeConfigsResourceResult>> DescribeTopicConfigsAsync(string topic, short version,
        List<string>? keys, bool includeSynonyms)
    {
        var result = await DescribeAsync(TopicResource, topic, version, keys, includeSynonyms);
        Assert.Equal(0, result.ErrorCode);
        return result.Configs;
    }

    private async Task<DescribeConfigsResponse.DescribeConfigsResult> DescribeAsync(sbyte resourceType, string resourceName, short version,
        List<string>? keys, bool includeSynonyms)
    {
        var request = new DescribeConfigsRequest { IncludeSynonyms = includeSynonyms, IncludeDocumentation = version >= 3 };
        request.Resources.Add(new DescribeConfigsRequest.DescribeConfigsResource { ResourceType = resourceType, ResourceName = resourceName, ConfigurationKeys = keys });
        var result = Assert.Single((await _client.SendAsync<DescribeConfigsResponse>(request, version)).Results);
        Assert.Equal(resourceName, result.ResourceName);
        Assert.Equal(resourceType, result.ResourceType);
        return result;
    }
}
