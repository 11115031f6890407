using System.Net;
using System.Net.Sockets;
using Fjord.Broker.Network;

namespace Fjord.Broker.Tests.Network;

/// <summary>SO_RCVLOWAT on a real loopback socket: the mark follows the bytes owed, within its bounds, and never waits past them.</summary>
public sealed class ReceiveLowWaterTests
{
    [Theory]
    [InlineData(4, 1)]
    [InlineData(ReceiveLowWater.MinMark - 1, 1)]
    [InlineData(100_000, 98_304)]
    [InlineData(ReceiveLowWater.MaxMark, ReceiveLowWater.MaxMark)]
    [InlineData(5_000_000, ReceiveLowWater.MaxMark)]
    public async Task TheMarkIsTheBytesOwedInStepsWithinItsBounds(int owed, int mark)
    {
        var (server, client) = await ConnectedPairAsync();
        using (server)
        using (client)
        {
            var lowWater = new ReceiveLowWater(server);
            lowWater.Expect(owed);

            Assert.Equal(mark, lowWater.Mark);
            Assert.Equal(mark, (int)server.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReceiveLowWater)!);
        }
    }

    [Fact]
    public async Task AReceiveWaitsForTheMarkThenTakesEverythingQueued()
    {
        var (server, client) = await ConnectedPairAsync();
        using (server)
        using (client)
        {
            var lowWater = new ReceiveLowWater(server);
            lowWater.Expect(64 * 1024);
            var buffer = new byte[128 * 1024];

            var receive = server.ReceiveAsync(buffer.AsMemory(), SocketFlags.None).AsTask();
            await client.SendAsync(new byte[1010], SocketFlags.None);
            // Waiting for something not to happen needs a bound: without the mark, loopback wakes a receive within microseconds.
            await Task.WhenAny(receive, Task.Delay(TimeSpan.FromMilliseconds(300)));
            Assert.False(receive.IsCompleted, "the receive woke before the mark was reached");
            var rest = new byte[(64 * 1024) - 1010];
            await client.SendAsync(rest, SocketFlags.None);

            Assert.Equal(64 * 1024, await receive.WaitAsync(TimeSpan.FromSeconds(30)));

            lowWater.Expect(4);
            Assert.Equal(1, lowWater.Mark);
        }
    }

    private static async Task<(Socket Server, Socket Client)> ConnectedPairAsync()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await client.ConnectAsync(listener.LocalEndPoint!);
        var server = await listener.AcceptAsync();
        return (server, client);
    }
}
