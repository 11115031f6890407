using System.Globalization;
using Fjord.Broker.Metadata;
using Fjord.Cluster;
using Fjord.Log.Compression;

namespace Fjord.ControlPlane.Tests.Topics;

/// <summary>The shared topic config rules the control plane validates with are exactly the broker's.</summary>
public sealed class TopicConfigRulesTests
{
    [Fact]
    public void TheRulesCoverExactlyTheBrokersCatalog() =>
        Assert.Equal(TopicConfigCatalog.All.Select(d => d.Name).Order(StringComparer.Ordinal), TopicConfigRules.ByName.Keys.Order(StringComparer.Ordinal));

    [Fact]
    public void CompressionTypesAndLevelsAreTheLogsOwn()
    {
        Assert.Equal(BrokerCompressionTypes.Names, TopicConfigRules.CompressionTypes);
        for (var level = CompressionLevels.ZstdMin - 2; level <= CompressionLevels.ZstdMax + 2; level++)
        {
            var value = level.ToString(CultureInfo.InvariantCulture);
            Assert.Equal(CompressionLevels.IsValidZstd(level), TopicConfigRules.Of("compression.zstd.level")(value) is null);
            if (level is < -3 or > 20) continue;
            Assert.Equal(CompressionLevels.IsValidGzip(level), TopicConfigRules.Of("compression.gzip.level")(value) is null);
            Assert.Equal(CompressionLevels.IsValidLz4(level), TopicConfigRules.Of("compression.lz4.level")(value) is null);
        }
    }
}
