using System.Net.Security;
using Fjord.Broker.Configuration;
using Fjord.Cluster;

namespace Fjord.Broker.Replication;

/// <summary>
/// How this broker secures its own connections to other brokers: the TLS client options for a TLS
/// listener, and the SASL exchange (the broker's own credentials) for a SASL one. None for a PLAINTEXT cluster.
/// </summary>
public sealed class InterBrokerSecurity(
    Func<string, SslClientAuthenticationOptions>? tlsOptions,
    Func<BrokerConnection, TimeSpan, CancellationToken, Task>? saslAuthenticate)
{
    public static readonly InterBrokerSecurity None = new(null, null);

    internal bool WrapsInTls(BrokerEndpoint endpoint) => ProtocolOf(endpoint).UsesTls();

    internal bool UsesSasl(BrokerEndpoint endpoint) => ProtocolOf(endpoint).UsesSasl();

    internal async Task<Stream> AuthenticateTlsAsync(Stream stream, string host, CancellationToken ct)
    {
        if (tlsOptions is null)
            throw new IOException($"the inter-broker listener uses TLS but this broker has no ssl.truststore settings for it");
        var tls = new SslStream(stream, leaveInnerStreamOpen: false);
        try
        {
            await tls.AuthenticateAsClientAsync(tlsOptions(host), ct);
            return tls;
        }
        catch
        {
            await tls.DisposeAsync();
            throw;
        }
    }

    internal Task AuthenticateSaslAsync(BrokerConnection connection, TimeSpan timeout, CancellationToken ct) =>
        saslAuthenticate is null
            ? throw new IOException("the inter-broker listener uses SASL but this broker has no credentials for it (sasl.mechanism.inter.broker.protocol and its sasl.jaas.config)")
            : saslAuthenticate(connection, timeout, ct);

    private static SecurityProtocol ProtocolOf(BrokerEndpoint endpoint) =>
        SecurityProtocols.TryParse(endpoint.SecurityProtocol, out var protocol) ? protocol : SecurityProtocol.Plaintext;
}
