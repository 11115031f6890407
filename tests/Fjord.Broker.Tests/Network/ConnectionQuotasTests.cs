using System.Net;
using Fjord.Broker.Configuration;
using Fjord.Broker.Network;

namespace Fjord.Broker.Tests.Network;

public sealed class ConnectionQuotasTests
{
    [Fact]
    public void OverridesParseKafkasHostColonCountList()
    {
        var overrides = ConnectionQuotas.ParseOverrides(" host1:10, 1.2.3.4:5 ,::1:7,[fe80::2]:0,");

        Assert.Equal(new Dictionary<string, int> { ["host1"] = 10, ["1.2.3.4"] = 5, ["::1"] = 7, ["fe80::2"] = 0 }, overrides);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void NoOverridesIsAnEmptyList(string? value) => Assert.Empty(ConnectionQuotas.ParseOverrides(value));

    [Theory]
    [InlineData("host1")]
    [InlineData(":10")]
    [InlineData("host1:")]
    [InlineData("host1:ten")]
    [InlineData("host1:-1")]
    [InlineData("host1:1,host1:2")]
    public void AMalformedOverrideFailsTheStartNamingTheProperty(string value)
    {
        var e = Assert.Throws<ConfigException>(() => ConnectionQuotas.ParseOverrides(value));
        Assert.StartsWith("max.connections.per.ip.overrides:", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PerIpLimitOverridesAndTheTotalAreEnforcedAndReleased()
    {
        var quotas = new ConnectionQuotas(maxConnections: 5, maxConnectionsPerIp: 2, new Dictionary<string, int> { ["10.0.0.9"] = 4 });
        var a = IPAddress.Parse("10.0.0.1");
        var aMapped = a.MapToIPv6();
        var overridden = IPAddress.Parse("10.0.0.9");

        Assert.True(quotas.TryAcquire(a, out _));
        Assert.True(quotas.TryAcquire(aMapped, out _));
        Assert.False(quotas.TryAcquire(a, out var perIp));
        Assert.Equal("max.connections.per.ip", perIp);
        for (var i = 0; i < 3; i++) Assert.True(quotas.TryAcquire(overridden, out _));
        Assert.False(quotas.TryAcquire(overridden, out var total));
        Assert.Equal("max.connections", total);

        quotas.Release(aMapped);
        Assert.Equal(4, quotas.Total);
        Assert.True(quotas.TryAcquire(overridden, out _));
        Assert.False(quotas.TryAcquire(overridden, out _));
    }

    [Fact]
    public void OptionsComeFromKafkasPropertyNames()
    {
        var options = KafkaServerOptions.From(BrokerConfig.FromValues(new Dictionary<string, string>
        {
            ["connections.max.idle.ms"] = "1234",
            ["max.connections"] = "100",
            ["max.connections.per.ip"] = "0",
            ["max.connections.per.ip.overrides"] = "127.0.0.1:3",
        }));

        Assert.Equal(1234, options.ConnectionsMaxIdleMs);
        Assert.Equal(100, options.MaxConnections);
        Assert.Equal(0, options.MaxConnectionsPerIp);
        Assert.Equal(3, options.MaxConnectionsPerIpOverrides["127.0.0.1"]);
        var defaults = KafkaServerOptions.From(BrokerConfig.FromValues(new Dictionary<string, string>()));
        Assert.Equal(600_000, defaults.ConnectionsMaxIdleMs);
        Assert.Equal(int.MaxValue, defaults.MaxConnections);
        Assert.Equal(int.MaxValue, defaults.MaxConnectionsPerIp);
    }

    [Fact]
    public void ZeroPerIpWithoutOverridesIsRefusedAsKafkaDoes() =>
        Assert.Throws<ConfigException>(() => KafkaServerOptions.From(BrokerConfig.FromValues(new Dictionary<string, string> { ["max.connections.per.ip"] = "0" })));
}
