using Fjord.Broker.Configuration;
using Fjord.Broker.Metadata;
using Fjord.Broker.Network;
using Fjord.Cluster;
using Fjord.Protocol;

namespace Fjord.Broker.Handlers;

/// <summary>
/// DescribeConfigs 0–4 for topics and this broker: each config's effective value, its source,
/// and (on request) its synonyms — the topic override, then the broker property behind it.
/// </summary>
public sealed class DescribeConfigsHandler(IMetadataStore store, BrokerConfig brokerConfig) : ApiHandler<DescribeConfigsRequest, DescribeConfigsResponse>
{
    public override ApiKey ApiKey => ApiKey.DescribeConfigs;
    public override short MinVersion => 0;
    public override short MaxVersion => 4;

    protected override async ValueTask<DescribeConfigsResponse?> HandleAsync(RequestContext request, DescribeConfigsRequest body, CancellationToken ct)
    {
        var response = new DescribeConfigsResponse();
        foreach (var resource in body.Resources)
        {
            var result = new DescribeConfigsResponse.DescribeConfigsResult { ResourceType = resource.ResourceType, ResourceName = resource.ResourceName };
            response.Results.Add(result);
            var keys = resource.ConfigurationKeys is { } k ? new HashSet<string>(k, StringComparer.Ordinal) : null;
            switch ((ConfigResourceType)resource.ResourceType)
            {
                case ConfigResourceType.Topic:
                    var topic = await store.GetTopicAsync(resource.ResourceName, ct);
                    if (topic is null)
                    {
                        result.ErrorCode = (short)ErrorCode.UnknownTopicOrPartition;
                        result.ErrorMessage = $"Topic {resource.ResourceName} does not exist";
                        break;
                    }
                    foreach (var definition in TopicConfigCatalog.All)
                    {
                        if (keys is not null && !keys.Contains(definition.Name)) continue;
                        result.Configs.Add(DescribeTopicConfig(definition, topic.Configs, body.IncludeSynonyms, body.IncludeDocumentation, request.ApiVersion));
                    }
                    break;
                case ConfigResourceType.Broker:
                    if (resource.ResourceName.Length > 0 && resource.ResourceName != brokerConfig.NodeId.ToString(System.Globalization.CultureInfo.InvariantCulture))
                    {
                        result.ErrorCode = (short)ErrorCode.InvalidRequest;
                        result.ErrorMessage = $"Unexpected broker id, expected {brokerConfig.NodeId} or empty string, but received {resource.ResourceName}";
                        break;
                    }
                    foreach (var entry in BrokerConfigCatalog.All)
                    {
                        if (keys is not null && !keys.Contains(entry.Name)) continue;
                        var isSet = brokerConfig.Get(entry.Name) is not null;
                        var source = isSet ? ConfigSource.StaticBrokerConfig : ConfigSource.DefaultConfig;
                        var value = entry.Value(brokerConfig);
                        var config = new DescribeConfigsResponse.DescribeConfigsResourceResult
                        {
                            Name = entry.Name,
                            Value = value,
                            ReadOnly = true,
                            IsDefault = !isSet,
                            ConfigSource = (sbyte)source,
                            ConfigType = (sbyte)entry.Type,
                        };
                        if (body.IncludeSynonyms)
                            config.Synonyms.Add(new DescribeConfigsResponse.DescribeConfigsSynonym { Name = entry.Name, Value = value, Source = (sbyte)source });
                        result.Configs.Add(config);
                    }
                    break;
                default:
                    result.ErrorCode = (short)ErrorCode.InvalidRequest;
                    result.ErrorMessage = $"Unsupported resource type {resource.ResourceType}";
                    break;
            }
        }
        return response;
    }

    private DescribeConfigsResponse.DescribeConfigsResourceResult DescribeTopicConfig(TopicConfigCatalog.Definition definition,
        IReadOnlyDictionary<string, string> overrides, bool includeSynonyms, bool includeDocumentation, short version)
    {
        var isSet = overrides.TryGetValue(definition.Name, out var overrideValue);
        var brokerSet = definition.BrokerSynonym is { } synonym && brokerConfig.Get(synonym) is not null;
        var defaultValue = definition.Default(brokerConfig);
        var source = isSet ? ConfigSource.DynamicTopicConfig : brokerSet ? ConfigSource.StaticBrokerConfig : ConfigSource.DefaultConfig;
        var result = new DescribeConfigsResponse.DescribeConfigsResourceResult
        {
            Name = definition.Name,
            Value = isSet ? overrideValue : defaultValue,
            ReadOnly = false,
            IsDefault = !isSet && version == 0 ? !brokerSet : false,
            ConfigSource = (sbyte)source,
            IsSensitive = false,
            ConfigType = (sbyte)definition.Type,
            Documentation = includeDocumentation ? definition.Documentation : null,
        };
        if (includeSynonyms)
        {
            if (isSet)
                result.Synonyms.Add(new DescribeConfigsResponse.DescribeConfigsSynonym { Name = definition.Name, Value = overrideValue, Source = (sbyte)ConfigSource.DynamicTopicConfig });
            if (definition.BrokerSynonym is { } brokerName)
                result.Synonyms.Add(new DescribeConfigsResponse.DescribeConfigsSynonym
                {
                    Name = brokerName,
                    Value = defaultValue,
                    Source = (sbyte)(brokerSet ? ConfigSource.StaticBrokerConfig : ConfigSource.DefaultConfig),
                });
        }
        return result;
    }
}
