using Fjord.Cluster;
using Fjord.Controller;
using Microsoft.Extensions.Time.Testing;

namespace Fjord.Broker.Tests.Controller;

public sealed class BrokerLivenessTests
{
    private static readonly TimeSpan SessionTimeout = TimeSpan.FromSeconds(6);
    private static readonly Guid FirstIncarnation = Guid.NewGuid();
    private readonly FakeTimeProvider _time = new();

    private static BrokerRegistration Row(int id, int heartbeat, Guid? incarnation = null) =>
        new(id, incarnation ?? FirstIncarnation, [], null, DateTimeOffset.UnixEpoch.AddSeconds(heartbeat));

    [Fact]
    public void ABrokerIsDeadOnlyOnceItsHeartbeatValueHasStoodStillForTheSessionTimeoutOnThisClock()
    {
        var liveness = new BrokerLiveness(_time, SessionTimeout);
        // The heartbeat column says 1970: another machine's clock says nothing about liveness here.
        var first = liveness.Observe([Row(1, 0), Row(2, 0)]);
        Assert.Equal([1, 2], first.Live.Order());
        Assert.Equal([1, 2], first.Joined);

        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.False(liveness.Observe([Row(1, 5), Row(2, 0)]).Any);

        _time.Advance(TimeSpan.FromSeconds(1));
        var change = liveness.Observe([Row(1, 5), Row(2, 0)]);
        Assert.Equal([2], change.Died);
        Assert.Equal([1], change.Live);

        // Broker 1's value last moved 1 s ago; broker 2 beats again and is back.
        _time.Advance(TimeSpan.FromSeconds(4));
        var back = liveness.Observe([Row(1, 5), Row(2, 10)]);
        Assert.Equal([2], back.Joined);
        Assert.Equal([1, 2], back.Live.Order());
    }

    [Fact]
    public void ANewIncarnationIsARestartAndAnUnregisteredBrokerIsNotLive()
    {
        var liveness = new BrokerLiveness(_time, SessionTimeout);
        liveness.Observe([Row(1, 0), Row(2, 0)]);

        var change = liveness.Observe([Row(1, 0, Guid.NewGuid())]);

        Assert.Equal([1], change.Restarted);
        Assert.Equal([2], change.Died);
        Assert.Equal([1], change.Live);
        Assert.True(change.Any);
    }
}
