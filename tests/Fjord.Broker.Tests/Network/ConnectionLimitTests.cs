using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Fjord.Broker.Network;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Broker.Tests.Protocol;
using Fjord.Testing;

namespace Fjord.Broker.Tests.Network;

/// <summary>
/// Hostile connection loads against a real broker: too many connections from one address, idle ones, and a
/// slowloris trickling a huge request. The broker closes each, keeps its memory bounded, and serves a
/// bystander throughout.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class ConnectionLimitTests(AzuriteFixture azurite)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task ConnectionsPastTheirAddressesLimitAreClosedAndAFreedSlotIsUsableAgain()
    {
        await using var host = await FjordTestCluster.StartAsync(azurite.Host, new Dictionary<string, string>
        {
            ["max.connections.per.ip"] = "1000",
            ["max.connections.per.ip.overrides"] = "127.0.0.1:3",
        });
        var admitted = new List<RawKafkaClient>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                admitted.Add(await RawKafkaClient.ConnectAsync(host.BootstrapServers));
                await RawScenario.AssertServedAsync(admitted[^1]);
            }

            for (var i = 0; i < 2; i++)
            {
                await using var extra = await RawKafkaClient.ConnectAsync(host.BootstrapServers);
                Assert.True(await extra.IsClosedByBrokerAsync(Deadline), "a connection past max.connections.per.ip stayed open");
            }
            Assert.Equal(2, host.InProcess().RejectedConnections);
            foreach (var client in admitted) await RawScenario.AssertServedAsync(client);

            await admitted[0].DisposeAsync();
            admitted.RemoveAt(0);
            await Poll.UntilAsync(() => host.InProcess().ConnectionCount == 2, Deadline, "the closed connection to give its slot back");
            admitted.Add(await RawKafkaClient.ConnectAsync(host.BootstrapServers));
            await RawScenario.AssertServedAsync(admitted[^1]);
        }
        finally
        {
            foreach (var client in admitted) await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task AConnectionWithoutRequestsForConnectionsMaxIdleMsIsClosedWhileABusyOneStaysOpen()
    {
        await using var host = await FjordTestCluster.StartAsync(azurite.Host, new Dictionary<string, string>
        {
            ["connections.max.idle.ms"] = "1000",
        });
        await using var idle = await RawKafkaClient.ConnectAsync(host.BootstrapServers);
        await using var active = await RawKafkaClient.ConnectAsync(host.BootstrapServers);
        await RawScenario.AssertServedAsync(idle);
        var lastRequest = Stopwatch.StartNew();

        var closed = idle.IsClosedByBrokerAsync(Deadline);
        while (!closed.IsCompleted)
        {
            // Requests every 200 ms keep this one well inside the limit for as long as the other lives.
            await RawScenario.AssertServedAsync(active);
            await Task.WhenAny(closed, Task.Delay(200));
        }

        Assert.True(await closed, "the idle connection was not closed");
        Assert.InRange(lastRequest.Elapsed, TimeSpan.FromMilliseconds(900), Deadline);
        await RawScenario.AssertServedAsync(active);
        Assert.Equal(1, host.InProcess().IdleClosedConnections);
    }

    [Fact]
    public async Task ASlowlorisTricklingAHugeRequestIsClosedByTheIdleRuleWithItsMemoryBounded()
    {
        await using var host = await FjordTestCluster.StartAsync(azurite.Host, new Dictionary<string, string>
        {
            ["connections.max.idle.ms"] = "1000",
        });
        var server = host.InProcess();
        await using var bystander = await RawKafkaClient.ConnectAsync(host.BootstrapServers);
        await RawScenario.AssertServedAsync(bystander);
        using var attacker = await ConnectAsync(host.BootstrapServers);
        var started = Stopwatch.StartNew();
        var closed = UntilClosedAsync(attacker);

        // 64 MiB promised (under socket.request.max.bytes), 20 KiB sent at once, then a byte every 100 ms.
        var declared = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(declared, 64 * 1024 * 1024);
        await attacker.SendAsync(declared);
        await attacker.SendAsync(new byte[20 * 1024]);
        long largestBuffer = 0;
        while (!closed.IsCompleted && started.Elapsed < Deadline)
        {
            try
            {
                await attacker.SendAsync(new byte[1]);
            }
            catch (SocketException)
            {
                break;
            }
            largestBuffer = Math.Max(largestBuffer, server.ReceiveBufferBytes);
            await RawScenario.AssertServedAsync(bystander);
            await Task.WhenAny(closed, Task.Delay(100));
        }

        await closed.WaitAsync(Deadline);
        var seen = $"closed after {started.ElapsedMilliseconds} ms, {server.IdleClosedConnections} idle closes, largest buffer total {largestBuffer} bytes";
        Assert.True(started.Elapsed >= TimeSpan.FromMilliseconds(900), seen);
        Assert.True(server.IdleClosedConnections == 1, seen);
        // The attacker's 20 KiB cost the broker one 64 KiB step, the bystander its 4 KiB: not the 64 MiB promised.
        Assert.True(largestBuffer is > 0 and <= ReceiveBuffer.FirstGrowthBytes + 2 * KafkaConnection.InitialReceiveBytes, seen);
        await RawScenario.AssertServedAsync(bystander);
        await Poll.UntilAsync(() => server.ConnectionCount == 1, Deadline, "the slowloris connection to be gone");
        Assert.Equal(KafkaConnection.InitialReceiveBytes, server.ReceiveBufferBytes);
    }

    private static async Task<Socket> ConnectAsync(string bootstrap)
    {
        var colon = bootstrap.LastIndexOf(':');
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(IPAddress.Parse(bootstrap[..colon]), int.Parse(bootstrap[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        return socket;
    }

    /// <summary>Completes when the broker closes the connection: a read returns 0 or the connection is reset.</summary>
    private static async Task UntilClosedAsync(Socket socket)
    {
        var buffer = new byte[16];
        try
        {
            while (await socket.ReceiveAsync(buffer, SocketFlags.None) > 0)
            {
            }
        }
        catch (SocketException)
        {
        }
    }
}
