using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace Fjord.Security.Tests.Tls;

/// <summary>A real TLS handshake over a loopback TCP pair (port 0), both sides in this process.</summary>
internal sealed class LoopbackTls : IAsyncDisposable
{
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(30);

    private LoopbackTls(SslStream server, SslStream client)
    {
        Server = server;
        Client = client;
    }

    public SslStream Server { get; }
    public SslStream Client { get; }

    /// <summary>Outcome of both sides' handshakes; neither side throws out of here.</summary>
    public sealed record Result(LoopbackTls? Connection, Exception? ServerError, Exception? ClientError) : IAsyncDisposable
    {
        public bool Succeeded => ServerError is null && ClientError is null;

        public X509Certificate2? ClientCertificateSeenByServer => Connection?.Server.RemoteCertificate as X509Certificate2;

        public X509Certificate2? ServerCertificateSeenByClient => Connection?.Client.RemoteCertificate as X509Certificate2;

        public ValueTask DisposeAsync() => Connection?.DisposeAsync() ?? ValueTask.CompletedTask;
    }

    public static async Task<Result> HandshakeAsync(SslServerAuthenticationOptions serverOptions, SslClientAuthenticationOptions clientOptions)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var clientSocket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var timeout = new CancellationTokenSource(HandshakeTimeout);
        var accept = listener.AcceptSocketAsync(timeout.Token).AsTask();
        await clientSocket.ConnectAsync((IPEndPoint)listener.LocalEndpoint, timeout.Token);
        var serverSocket = await accept;

        var server = new SslStream(new NetworkStream(serverSocket, ownsSocket: true));
        var client = new SslStream(new NetworkStream(clientSocket, ownsSocket: true));
        var serverTask = Capture(server.AuthenticateAsServerAsync(serverOptions, timeout.Token), server);
        var clientTask = Capture(client.AuthenticateAsClientAsync(clientOptions, timeout.Token), client);
        var serverError = await serverTask;
        var clientError = await clientTask;
        if (serverError is null && clientError is null)
            return new Result(new LoopbackTls(server, client), null, null);
        await server.DisposeAsync();
        await client.DisposeAsync();
        return new Result(null, serverError, clientError);
    }

    private static async Task<Exception?> Capture(Task handshake, SslStream self)
    {
        try
        {
            await handshake;
            return null;
        }
        catch (Exception e)
        {
            // A failed side closes its socket so the other side's handshake ends too instead of waiting.
            await self.DisposeAsync();
            return e;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        await Client.DisposeAsync();
    }
}
