using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace Fjord.Broker.Tests.Infrastructure;

public sealed partial class RawKafkaClient
{
    /// <summary>Connects, completes a TLS handshake trusting only the CA at <paramref name="caPath"/>, then speaks raw Kafka over it.</summary>
    public static async Task<RawKafkaClient> ConnectTlsAsync(string bootstrap, string caPath, TimeSpan? handshakeTimeout = null)
    {
        var colon = bootstrap.LastIndexOf(':');
        var host = bootstrap[..colon];
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        SslStream? ssl = null;
        try
        {
            await socket.ConnectAsync(host, int.Parse(bootstrap[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture));
            var ca = X509CertificateLoader.LoadCertificateFromFile(caPath);
            ssl = new SslStream(new NetworkStream(socket, ownsSocket: true), leaveInnerStreamOpen: false);
            using var timeout = new CancellationTokenSource(handshakeTimeout ?? TimeSpan.FromSeconds(15));
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = host,
                CertificateChainPolicy = new X509ChainPolicy
                {
                    TrustMode = X509ChainTrustMode.CustomRootTrust,
                    CustomTrustStore = { ca },
                    RevocationMode = X509RevocationMode.NoCheck,
                },
            }, timeout.Token);
            return new RawKafkaClient(ssl);
        }
        catch
        {
            if (ssl is not null) await ssl.DisposeAsync();
            socket.Dispose();
            throw;
        }
    }
}
