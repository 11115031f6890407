using System.Globalization;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Testing;

namespace Fjord.Broker.Tests.Network;

/// <summary>The same through a broker process: it exits at start with one line that names the listener and port.</summary>
[Collection(BrokerCollection.Name)]
public sealed class ListenerBindProcessTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task ABrokerStartedOnAnotherBrokersPortExitsWithAClearError()
    {
        await using var running = await FjordTestCluster.StartAsync(azurite.Host);
        var port = running[0].Port;

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => FjordTestCluster.StartAsync(new FjordTestClusterOptions
        {
            Hosting = BrokerHosting.ChildProcess,
            Azurite = azurite.Host,
            Settings = new Dictionary<string, string>
            {
                ["node.id"] = "1",
                ["listeners"] = $"PLAINTEXT://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}",
            },
        }));

        Assert.Contains($"fjord-broker: cannot start: listener PLAINTEXT cannot bind 127.0.0.1:{port}: the port is already in use", e.Message, StringComparison.Ordinal);
    }
}
