using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Fjord.Broker.Configuration;
using Fjord.Broker.Network;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fjord.Broker.Tests.Network;

/// <summary>Issue 11, item 6: a listener owns its port; a second one on it fails the start, a restart over TIME_WAIT does not.</summary>
public sealed class ListenerBindTests
{
    [Fact]
    public async Task ASecondServerOnAListeningPortFailsNamingTheListenerAndPort()
    {
        await using var first = NewServer();
        first.Start([new ListenerEndpoint("PLAINTEXT", "127.0.0.1", 0)]);
        var port = first.BoundListeners[0].Port;
        await using var second = NewServer();

        var e = Assert.Throws<ConfigException>(() => second.Start([new ListenerEndpoint("PLAINTEXT", "127.0.0.1", port)]));

        Assert.Equal($"listener PLAINTEXT cannot bind 127.0.0.1:{port}: the port is already in use (another broker, or another program, listens there)", e.Message);
    }

    [Fact]
    public async Task AnyOtherProgramListeningOnThePortFailsTheStartToo()
    {
        using var other = new TcpListener(IPAddress.Loopback, 0);
        other.Start();
        var port = ((IPEndPoint)other.LocalEndpoint).Port;
        await using var server = NewServer();

        var e = Assert.Throws<ConfigException>(() => server.Start([new ListenerEndpoint("PLAINTEXT", "127.0.0.1", port)]));

        Assert.Contains($"listener PLAINTEXT cannot bind 127.0.0.1:{port}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AServerRestartedOnItsPortRightAfterStoppingBindsOverTimeWait()
    {
        var first = NewServer();
        first.Start([new ListenerEndpoint("PLAINTEXT", "127.0.0.1", 0)]);
        var port = first.BoundListeners[0].Port;
        // A frame that cannot be trusted makes the server close the connection first, so the server's end
        // of it (local port `port`) lingers in TIME_WAIT once the client closes too. Binding over it needs
        // SO_REUSEADDR, which .NET sets on Unix for every TCP bind: this guards against a listener option
        // that would lose it (FjordTestCluster restarts over its SIGKILLed brokers' connections the same way).
        using (var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            await client.ConnectAsync(IPAddress.Loopback, port);
            var negativeSize = new byte[4];
            BinaryPrimitives.WriteInt32BigEndian(negativeSize, -1);
            await client.SendAsync(negativeSize);
            var buffer = new byte[16];
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            Assert.Equal(0, await client.ReceiveAsync(buffer, SocketFlags.None, timeout.Token));
        }
        await first.DisposeAsync();
        await using var second = NewServer();

        second.Start([new ListenerEndpoint("PLAINTEXT", "127.0.0.1", port)]);

        Assert.Equal(port, second.BoundListeners[0].Port);
    }

    private static KafkaServer NewServer() =>
        new(new RequestDispatcher([], NullLogger<RequestDispatcher>.Instance), 1024 * 1024, NullLoggerFactory.Instance);
}
