using System.Net;
using Fjord.Broker.Quotas;
using Fjord.Security.Quotas;
using Microsoft.Extensions.Time.Testing;

namespace Fjord.Broker.Tests.Quotas;

/// <summary>KIP-612 per address: its own quota, else the default; connections over it are held, and do not count.</summary>
public sealed class ConnectionCreationQuotaTests
{
    private static readonly IPAddress Address = IPAddress.Parse("10.0.0.7");
    private readonly FakeTimeProvider _time = new();

    private ConnectionCreationQuota Quota(params (string? Ip, double Rate)[] quotas)
    {
        var snapshot = ClientQuotaSnapshot.From(quotas.Select(q => new ClientQuotaRecord(ClientQuotaEntity.Of(("ip", q.Ip)),
            new Dictionary<string, double> { [ClientQuotaKeys.ConnectionCreationRate] = q.Rate })), 1);
        return new ConnectionCreationQuota(() => snapshot, 11, TimeSpan.FromSeconds(1), _time);
    }

    [Fact]
    public void WithoutAQuotaEveryConnectionIsServed()
    {
        var quota = Quota();
        for (var i = 0; i < 1000; i++) Assert.Equal(TimeSpan.Zero, quota.RecordAndGetThrottleTime(Address));
    }

    [Fact]
    public void ConnectionsPastTheRateAreHeldAndDoNotCount()
    {
        var quota = Quota((null, 1), ("10.0.0.7", 2));
        // 2/s over a 10 s window: twenty at once, then the twenty-first is held.
        for (var i = 0; i < 20; i++) Assert.Equal(TimeSpan.Zero, quota.RecordAndGetThrottleTime(Address));
        var held = quota.RecordAndGetThrottleTime(Address);
        Assert.InRange(held.TotalMilliseconds, 1, 11_000);
        Assert.True(quota.RecordAndGetThrottleTime(Address) > TimeSpan.Zero);
        Assert.Equal(2, quota.ThrottledConnections(Address));
        // Another address falls to the default of 1/s: ten at once.
        var other = IPAddress.Parse("10.0.0.8");
        for (var i = 0; i < 10; i++) Assert.Equal(TimeSpan.Zero, quota.RecordAndGetThrottleTime(other));
        Assert.True(quota.RecordAndGetThrottleTime(other) > TimeSpan.Zero);
        // Once the window has passed, the address may connect again.
        _time.Advance(TimeSpan.FromSeconds(12));
        Assert.Equal(TimeSpan.Zero, quota.RecordAndGetThrottleTime(Address));
    }
}
