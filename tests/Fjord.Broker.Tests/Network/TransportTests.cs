using System.Net;
using System.Net.Sockets;
using Fjord.Broker.Configuration;
using Fjord.Broker.Handlers;
using Fjord.Broker.Network;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Protocol;
using Fjord.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fjord.Broker.Tests.Network;

/// <summary>Both transports carry the same bytes: file regions through a real socket pair, and whole connections.</summary>
public sealed class TransportTests : IDisposable
{
    private readonly TempDirectory _directory = new("fjord-transport");

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SocketTransportSendsAFileRegionThroughARealSocket(bool asyncFile)
    {
        var (path, content) = WriteFile(300_000);
        using var pair = await SocketPair.OpenAsync();
        await using var transport = new SocketTransport(pair.Server);
        using var file = OpenRead(path, asyncFile);

        var received = ReceiveAsync(pair.Client, 12 + 200_000);
        await transport.SendAsync("header------"u8.ToArray(), CancellationToken.None);
        await transport.SendFileAsync(file, 12_345, 200_000, CancellationToken.None);

        var bytes = await received;
        Assert.Equal("header------"u8.ToArray(), bytes[..12]);
        Assert.Equal(content.AsSpan(12_345, 200_000).ToArray(), bytes[12..]);
        Assert.Equal(0, file.Position);
        // .NET hands only an asynchronous FileStream to sendfile(2); another is copied, with the same bytes.
        Assert.Equal(asyncFile ? 200_000 : 0, transport.ZeroCopyBytes);
    }

    [Fact]
    public async Task StreamTransportSendsAFileRegionThroughANetworkStream()
    {
        var (path, content) = WriteFile(3 * FileRegion.ChunkBytes);
        using var pair = await SocketPair.OpenAsync();
        await using var transport = new StreamTransport(new NetworkStream(pair.Server, ownsSocket: false), pair.Server.RemoteEndPoint);
        using var file = OpenRead(path, asyncFile: false);
        var count = 2 * FileRegion.ChunkBytes + 7;

        var received = ReceiveAsync(pair.Client, count);
        await transport.SendFileAsync(file, 1, count, CancellationToken.None);

        Assert.Equal(content.AsSpan(1, count).ToArray(), await received);
    }

    [Fact]
    public async Task AFileRegionPastTheEndOfTheFileFailsTheSend()
    {
        var (path, _) = WriteFile(1000);
        using var pair = await SocketPair.OpenAsync();
        await using var socketTransport = new SocketTransport(pair.Server);
        await using var streamTransport = new StreamTransport(new NetworkStream(pair.Server, ownsSocket: false), null);
        using var file = OpenRead(path, asyncFile: false);

        await Assert.ThrowsAsync<IOException>(async () => await socketTransport.SendFileAsync(file, 900, 101, CancellationToken.None));
        await Assert.ThrowsAsync<IOException>(async () => await streamTransport.SendFileAsync(file, 900, 101, CancellationToken.None));
    }

    [Fact]
    public async Task AConnectionOverAStreamTransportIsServedLikeASocketOne()
    {
        var options = new KafkaServerOptions
        {
            MaxRequestBytes = 1024 * 1024,
            TransportFactory = socket => new StreamTransport(new NetworkStream(socket, ownsSocket: true), socket.RemoteEndPoint),
        };
        await using var server = new KafkaServer(ApiVersionsOnly(), options, NullLoggerFactory.Instance, TimeProvider.System);
        server.Start([new ListenerEndpoint("PLAINTEXT", "127.0.0.1", 0)]);
        await using var client = await RawKafkaClient.ConnectAsync($"127.0.0.1:{server.BoundListeners[0].Port}");

        for (var i = 0; i < 3; i++) await AssertApiVersionsServedAsync(client);
    }

    internal static async Task AssertApiVersionsServedAsync(RawKafkaClient client)
    {
        var response = await client.SendAsync<ApiVersionsResponse>(new ApiVersionsRequest(), 2, TimeSpan.FromSeconds(15));
        Assert.Equal(0, response.ErrorCode);
        Assert.Contains(response.ApiKeys, k => k.ApiKey == (short)ApiKey.ApiVersions);
    }

    /// <summary>A dispatcher that answers ApiVersions only: enough to prove a connection path without a broker.</summary>
    internal static RequestDispatcher ApiVersionsOnly()
    {
        RequestDispatcher? dispatcher = null;
        dispatcher = new RequestDispatcher([new ApiVersionsHandler(() => dispatcher!.Handlers)], NullLogger<RequestDispatcher>.Instance);
        return dispatcher;
    }

    private (string Path, byte[] Content) WriteFile(int length)
    {
        var content = new byte[length];
        new Random(length).NextBytes(content);
        var path = _directory.Combine("segment.log");
        File.WriteAllBytes(path, content);
        return (path, content);
    }

    private static FileStream OpenRead(string path, bool asyncFile) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0, asyncFile ? FileOptions.Asynchronous : FileOptions.None);

    private static async Task<byte[]> ReceiveAsync(Socket socket, int count)
    {
        var buffer = new byte[count];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var read = 0;
        while (read < count)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, timeout.Token);
            if (n == 0) throw new IOException($"closed after {read} of {count} bytes");
            read += n;
        }
        return buffer;
    }

    private sealed class SocketPair : IDisposable
    {
        private SocketPair(Socket client, Socket server)
        {
            Client = client;
            Server = server;
        }

        public Socket Client { get; }
        public Socket Server { get; }

        public static async Task<SocketPair> OpenAsync()
        {
            using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen(1);
            var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await client.ConnectAsync(listener.LocalEndPoint!);
            return new SocketPair(client, await listener.AcceptAsync());
        }

        public void Dispose()
        {
            Client.Dispose();
            Server.Dispose();
        }
    }
}
