using Fjord.Broker.Configuration;
using Fjord.Broker.Security;
using Fjord.Protocol;

namespace Fjord.Broker.Metadata;

/// <summary>
/// Kafka's ConfigHelper: the DescribeConfigs view of a topic's or this broker's configs — each
/// config's effective value, its source, and (on request) its synonyms: the topic override, then the
/// broker property behind it. A secret (<see cref="SensitiveConfigs"/>) is shown as Kafka shows a PASSWORD
/// config: is_sensitive with a null value, in the config and in every synonym.
/// </summary>
public sealed class ConfigHelper(BrokerConfig brokerConfig)
{
    /// <summary>The topic's configs named in <paramref name="keys"/> (all when null), given its overrides.</summary>
    public IEnumerable<DescribeConfigsResponse.DescribeConfigsResourceResult> DescribeTopic(IReadOnlyDictionary<string, string> overrides,
        IReadOnlySet<string>? keys, bool includeSynonyms, bool includeDocumentation, short version) =>
        TopicConfigCatalog.All
            .Where(definition => keys is null || keys.Contains(definition.Name))
            .Select(definition => DescribeTopicConfig(definition, overrides, includeSynonyms, includeDocumentation, version));

    /// <summary>This broker's configs named in <paramref name="keys"/> (all when null); all read-only (static broker config).</summary>
    public IEnumerable<DescribeConfigsResponse.DescribeConfigsResourceResult> DescribeBroker(IReadOnlySet<string>? keys, bool includeSynonyms)
    {
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
            if (includeSynonyms)
                config.Synonyms.Add(new DescribeConfigsResponse.DescribeConfigsSynonym { Name = entry.Name, Value = value, Source = (sbyte)source });
            yield return Redacted(config);
        }
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
        return Redacted(result);
    }

    /// <summary>Kafka's ConfigHelper: a sensitive config's value never leaves the broker, not even through a synonym.</summary>
    private static DescribeConfigsResponse.DescribeConfigsResourceResult Redacted(DescribeConfigsResponse.DescribeConfigsResourceResult config)
    {
        if (!SensitiveConfigs.IsSensitive(config.Name)) return config;
        config.Value = null;
        config.IsSensitive = true;
        config.ConfigType = (sbyte)TopicConfigCatalog.ConfigType.Password;
        foreach (var synonym in config.Synonyms)
            synonym.Value = null;
        return config;
    }
}
