using Fjord.Testing;

namespace Fjord.Broker.Tests.Idempotence;

/// <summary>One in-process broker whose clients all go through a <see cref="KafkaResponseDropProxy"/>.</summary>
public static class BrokerBehindProxy
{
    /// <summary>
    /// Starts the broker advertising the proxy, so every connection a client opens after bootstrap goes
    /// through it too. The proxy already listens (the OS chose its port), the broker gets its own port from
    /// the OS, and only then does the proxy learn where to forward: no port is guessed.
    /// </summary>
    public static async Task<FjordTestCluster> StartAsync(KafkaResponseDropProxy proxy, AzuriteHost azurite)
    {
        ArgumentNullException.ThrowIfNull(proxy);
        var cluster = await FjordTestCluster.StartAsync(azurite, new Dictionary<string, string>
        {
            ["advertised.listeners"] = $"PLAINTEXT://{proxy.BootstrapServers}",
        });
        try
        {
            proxy.ConnectTo(cluster.InProcess(0).BoundListeners[0].Port);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }
}
