using Fjord.Broker.Configuration;
using Fjord.Broker.Metadata;

namespace Fjord.Broker.Tests.Network;

/// <summary>DescribeConfigs on a BROKER resource shows the connection limits an operator set, by their Kafka names.</summary>
public sealed class ConnectionSettingsDescribedTests
{
    [Fact]
    public void TheConnectionLimitsAreDescribedWithTheirEffectiveValues()
    {
        var config = BrokerConfig.FromValues(new Dictionary<string, string>
        {
            ["node.id"] = "0",
            ["log.dirs"] = "/tmp/unused",
            ["connections.max.idle.ms"] = "30000",
            ["max.connections"] = "500",
            ["max.connections.per.ip.overrides"] = "10.0.0.1:5,host.example:7",
        });

        var described = BrokerConfigCatalog.All.ToDictionary(e => e.Name, e => e.Value(config));

        Assert.Equal("30000", described["connections.max.idle.ms"]);
        Assert.Equal("500", described["max.connections"]);
        Assert.Equal(int.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture), described["max.connections.per.ip"]);
        Assert.Equal("10.0.0.1:5,host.example:7", described["max.connections.per.ip.overrides"]);
    }
}
