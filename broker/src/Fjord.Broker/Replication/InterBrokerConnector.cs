using Fjord.Cluster;

namespace Fjord.Broker.Replication;

/// <summary>
/// Opens this broker's connections to the other brokers (replica fetchers, transaction markers) on the
/// inter-broker listener, with that listener's security: TLS when it uses TLS, then SASL as the broker's own
/// principal when it uses SASL. One place, so a cluster can run with no PLAINTEXT port at all.
/// </summary>
public sealed class InterBrokerConnector(Func<MetadataSnapshot> metadata, string? listenerName, InterBrokerSecurity security)
{
    /// <summary>The endpoint of <paramref name="brokerId"/> on the inter-broker listener (its first one when that is not named).</summary>
    public BrokerEndpoint? EndpointOf(int brokerId)
    {
        if (!metadata().BrokersById.TryGetValue(brokerId, out var broker) || broker.Endpoints.Count == 0) return null;
        foreach (var endpoint in broker.Endpoints)
            if (endpoint.ListenerName == listenerName) return endpoint;
        return broker.Endpoints[0];
    }

    public async Task<BrokerConnection> ConnectAsync(int brokerId, string clientId, TimeSpan timeout, CancellationToken ct)
    {
        var endpoint = EndpointOf(brokerId) ?? throw new IOException($"broker {brokerId} has no registered endpoint");
        var connection = await BrokerConnection.ConnectAsync(endpoint.Host, endpoint.Port, clientId, timeout, ct,
            security.WrapsInTls(endpoint) ? (stream, token) => security.AuthenticateTlsAsync(stream, endpoint.Host, token) : null);
        try
        {
            if (security.UsesSasl(endpoint)) await security.AuthenticateSaslAsync(connection, timeout, ct);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}
