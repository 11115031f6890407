using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace Fjord.Broker.Network;

/// <summary>A TLS connection: the server handshake, bounded by a timeout, then a stream transport over the SslStream.</summary>
public static class TlsTransport
{
    public static async Task<(IConnectionTransport Transport, X509Certificate2? ClientCertificate)> AcceptAsync(Socket socket, SslServerAuthenticationOptions options,
        TimeSpan handshakeTimeout, CancellationToken ct)
    {
        var tls = new SslStream(new NetworkStream(socket, ownsSocket: true), leaveInnerStreamOpen: false);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(handshakeTimeout);
            await tls.AuthenticateAsServerAsync(options, timeout.Token);
            var certificate = tls.RemoteCertificate is { } remote ? new X509Certificate2(remote) : null;
            return (new StreamTransport(tls, socket.RemoteEndPoint), certificate);
        }
        catch
        {
            await tls.DisposeAsync();
            throw;
        }
    }
}
