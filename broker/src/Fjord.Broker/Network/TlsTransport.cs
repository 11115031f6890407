using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace Fjord.Broker.Network;

/// <summary>
/// Turns an accepted socket into a TLS connection. The handshake is bounded by a timeout of its own: a client
/// that connects and never speaks, or speaks slowly, must not hold a socket (and a connection-quota slot) for
/// longer than the handshake is allowed to take.
/// </summary>
public static class TlsTransport
{
    /// <summary>
    /// Runs the server side of the handshake and returns a transport over the encrypted stream, with the
    /// client's certificate when it sent one (already validated by <paramref name="options"/>' callback).
    /// On any failure (timeout, garbage instead of a ClientHello, refused certificate) the socket is closed
    /// and the exception propagates: <see cref="TimeoutException"/> for the timeout, the TLS stack's
    /// <see cref="System.Security.Authentication.AuthenticationException"/> or <see cref="IOException"/> otherwise,
    /// and <see cref="OperationCanceledException"/> when <paramref name="ct"/> is cancelled.
    /// </summary>
    public static async Task<(IConnectionTransport Transport, X509Certificate2? ClientCertificate)> AcceptAsync(
        Socket socket,
        SslServerAuthenticationOptions options,
        TimeSpan handshakeTimeout,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(options);
        var remoteEndPoint = socket.RemoteEndPoint;
        var readAhead = new ReadAheadSocketStream(socket);
        var ssl = new SslStream(readAhead, leaveInnerStreamOpen: false);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(handshakeTimeout);
        try
        {
            // Closing the socket when the deadline passes unblocks the handshake whatever stage it is stuck in.
            await using (deadline.Token.UnsafeRegister(static s => ((Socket)s!).Dispose(), socket))
                await ssl.AuthenticateAsServerAsync(options, deadline.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (deadline.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw new TimeoutException($"TLS handshake with {remoteEndPoint} did not complete within {handshakeTimeout.TotalSeconds:0.###} s", e);
        }
        catch
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var clientCertificate = ssl.RemoteCertificate switch
        {
            null => null,
            X509Certificate2 certificate => certificate,
            var other => X509CertificateLoader.LoadCertificate(other.GetRawCertData()),
        };
        return (new StreamTransport(ssl, remoteEndPoint, readAhead.ExpectPlaintext), clientCertificate);
    }
}
