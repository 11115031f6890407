using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Azure;
using Azure.Core;
using Azure.Data.Tables;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Testing;

namespace Fjord.Broker.Tests.Cluster;

[Collection(BrokerCollection.Name)]
public sealed class TcpProxyTests(AzuriteFixture azurite)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task ForwardsBytesBothWaysAndPassesTheClientsEndOfStreamOn()
    {
        await using var server = new EchoServer();
        await using var proxy = TcpProxy.Start(server.Port);
        using var client = await ConnectAsync(proxy.Port);
        var stream = client.GetStream();

        var payload = Enumerable.Range(0, 200_000).Select(i => (byte)i).ToArray();
        var echoed = new byte[payload.Length];
        var reading = stream.ReadExactlyAsync(echoed).AsTask();
        await stream.WriteAsync(payload);
        await reading.WaitAsync(Timeout);
        Assert.Equal(payload, echoed);

        client.Client.Shutdown(SocketShutdown.Send);
        // The echo server closes when it reads the end of the stream: the proxy passed it on both ways.
        Assert.Equal(0, await stream.ReadAsync(new byte[1]).AsTask().WaitAsync(Timeout));
        await Poll.UntilAsync(() => proxy.OpenConnections == 0, Timeout, "the proxy to drop the finished connection");
        Assert.Equal(1, proxy.AcceptedConnections);
    }

    [Fact]
    public async Task BlockResetsOpenConnectionsAndNewOnesUntilUnblocked()
    {
        await using var server = new EchoServer();
        await using var proxy = TcpProxy.Start(server.Port);
        using var open = await ConnectAsync(proxy.Port);
        await EchoAsync(open, "before");

        proxy.Block();
        Assert.True(proxy.IsBlocked);
        // The open connection sees a reset (or an immediate end), not silence.
        await Assert.ThrowsAnyAsync<IOException>(async () =>
        {
            var buffer = new byte[16];
            var read = await open.GetStream().ReadAsync(buffer).AsTask().WaitAsync(Timeout);
            if (read == 0) throw new IOException("ended");
        });

        // A new connection is accepted and reset at once: the client fails fast instead of hanging.
        var clock = Stopwatch.StartNew();
        Assert.False(await ExchangeSucceedsAsync(proxy.Port), "a blocked proxy forwarded a new connection");
        Assert.True(clock.Elapsed < Timeout, $"a blocked connection took {clock.Elapsed} to fail");
        await Poll.UntilAsync(() => proxy.RejectedConnections >= 1, Timeout, "the proxy to count the rejected connection");

        proxy.Unblock();
        using var again = await ConnectAsync(proxy.Port);
        await EchoAsync(again, "after");
    }

    [Fact]
    public async Task CountsHttpRequestsButNotTheSubRequestsInsideABatchBody()
    {
        await using var server = new EchoServer();
        await using var proxy = TcpProxy.Start(server.Port, countHttpRequests: true);
        using var client = await ConnectAsync(proxy.Port);
        var batchBody = "--batch\r\nPUT /t(PartitionKey='a') HTTP/1.1\r\nHost: x\r\n\r\n{}\r\n--batch--\r\n";
        var requests = new StringBuilder()
            .Append("GET /t HTTP/1.1\r\nHost: x\r\n\r\n")
            .Append(System.Globalization.CultureInfo.InvariantCulture, $"POST /$batch HTTP/1.1\r\nHost: x\r\nContent-Length: {Encoding.ASCII.GetByteCount(batchBody)}\r\n\r\n{batchBody}")
            .Append("POST /t HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nGET \r\nE\r\n/ HTTP/1.1\r\n\r\n\r\n0\r\n\r\n")
            .Append("DELETE /t HTTP/1.1\r\nHost: x\r\n\r\n")
            .ToString();
        var bytes = Encoding.ASCII.GetBytes(requests);
        // Byte by byte: every request boundary falls in a different read at least once.
        foreach (var chunk in bytes.Chunk(7))
            await client.GetStream().WriteAsync(chunk);
        await Poll.UntilAsync(() => proxy.HttpRequests >= 4, Timeout, "four requests counted");
        Assert.Equal(4, proxy.HttpRequests);
        Assert.Equal(
            new Dictionary<string, long> { ["GET /t"] = 1, ["POST /$batch"] = 1, ["POST /t"] = 1, ["DELETE /t"] = 1 },
            proxy.HttpRequestsByKind);
    }

    [Fact]
    public async Task AnAzureTableClientBehindABlockedProxyFailsFastAndWorksAgainOnceUnblocked()
    {
        await using var proxy = TcpProxy.Start(azurite.Host.TablePort, countHttpRequests: true);
        var connection = azurite.ConnectionString.Replace($"127.0.0.1:{azurite.Host.TablePort}/", $"127.0.0.1:{proxy.Port}/", StringComparison.Ordinal);
        var options = new TableClientOptions();
        options.Retry.Mode = RetryMode.Exponential;
        var table = new TableServiceClient(connection, options).GetTableClient(FjordTestCluster.NewTableName());
        await table.CreateIfNotExistsAsync();
        await table.AddEntityAsync(new TableEntity("p", "1"));
        Assert.Equal(2, proxy.HttpRequests);

        proxy.Block();
        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<Exception>(() => table.GetEntityAsync<TableEntity>("p", "1"));
        // The SDK's default policy retries three times with a short backoff: seconds, not its 100 s network timeout.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"a blocked Table request took {clock.Elapsed} to fail");

        proxy.Unblock();
        var entity = await table.GetEntityAsync<TableEntity>("p", "1");
        Assert.Equal("1", entity.Value.RowKey);
        await table.DeleteAsync();
    }

    private static async Task<TcpClient> ConnectAsync(int port)
    {
        var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        return client;
    }

    /// <summary>Connects, sends a byte and reads the echo; false on a reset or end of stream at any step.</summary>
    private static async Task<bool> ExchangeSucceedsAsync(int port)
    {
        try
        {
            using var client = await ConnectAsync(port);
            await client.GetStream().WriteAsync("x"u8.ToArray());
            return await client.GetStream().ReadAsync(new byte[1]).AsTask().WaitAsync(Timeout) == 1;
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            return false;
        }
    }

    private static async Task EchoAsync(TcpClient client, string text)
    {
        var bytes = Encoding.ASCII.GetBytes(text);
        await client.GetStream().WriteAsync(bytes);
        var back = new byte[bytes.Length];
        await client.GetStream().ReadExactlyAsync(back).AsTask().WaitAsync(Timeout);
        Assert.Equal(text, Encoding.ASCII.GetString(back));
    }

    /// <summary>Echoes every connection's bytes back and closes when the client ends its stream.</summary>
    private sealed class EchoServer : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _accepting;

        public EchoServer()
        {
            _listener.Start();
            Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
            _accepting = AcceptAsync();
        }

        public int Port { get; }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            try
            {
                await _accepting;
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // Stopped.
            }

            _stop.Dispose();
        }

        private async Task AcceptAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                _ = Task.Run(async () =>
                {
                    using (socket)
                    {
                        var buffer = new byte[8192];
                        try
                        {
                            int read;
                            while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None)) > 0)
                                await socket.SendAsync(buffer.AsMemory(0, read), SocketFlags.None);
                        }
                        catch (SocketException)
                        {
                            // Reset by the proxy: that is what the blocking tests do.
                        }
                    }
                });
            }
        }
    }
}
