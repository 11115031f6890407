using Fjord.Broker.Configuration;
using Fjord.Broker.Network;
using Fjord.Broker.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Fjord.Broker.Tests.Network;

/// <summary>The reaper runs on the server's injected clock: the idle limit is exact, not a wall-clock guess.</summary>
public sealed class IdleConnectionReaperTests
{
    [Fact]
    public async Task AConnectionIsClosedOnceConnectionsMaxIdleMsPassesOnTheServersClockAndNotBefore()
    {
        var time = new FakeTimeProvider();
        var options = new KafkaServerOptions { MaxRequestBytes = 1024 * 1024, ConnectionsMaxIdleMs = 60_000 };
        await using var server = new KafkaServer(TransportTests.ApiVersionsOnly(), options, NullLoggerFactory.Instance, time);
        server.Start([new ListenerEndpoint("PLAINTEXT", "127.0.0.1", 0)]);
        await using var client = await RawKafkaClient.ConnectAsync($"127.0.0.1:{server.BoundListeners[0].Port}");
        await TransportTests.AssertApiVersionsServedAsync(client);

        time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(0, server.IdleClosedConnections);
        await TransportTests.AssertApiVersionsServedAsync(client);

        // A served request started the minute over.
        time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(0, server.IdleClosedConnections);
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(1, server.IdleClosedConnections);
        Assert.True(await client.IsClosedByBrokerAsync(TimeSpan.FromSeconds(15)));
    }

    [Theory]
    [InlineData(600_000, 1000)]
    [InlineData(1000, 100)]
    [InlineData(50, 10)]
    public void TheSingleTimerChecksAtATenthOfTheLimitBetween10MsAnd1S(long maxIdleMs, long expectedMs) =>
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), IdleConnectionReaper.CheckInterval(TimeSpan.FromMilliseconds(maxIdleMs)));
}
