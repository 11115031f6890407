using Fjord.Broker.Quotas;
using Fjord.Security.Quotas;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Fjord.Broker.Tests.Quotas;

/// <summary>The throttle arithmetic, Kafka's precedence and the tenant cap, on a fake clock.</summary>
public sealed class ClientQuotaManagerTests
{
    private const string Key = ClientQuotaKeys.ProducerByteRate;
    private readonly FakeTimeProvider _time = new();
    private ClientQuotaSnapshot _quotas = ClientQuotaSnapshot.Empty;
    private int _liveBrokers = 1;

    private ClientQuotaManager Manager() =>
        new(Key, () => _quotas, 11, TimeSpan.FromSeconds(1), () => _liveBrokers, _time, NullLogger.Instance);

    private void Set(params (ClientQuotaEntity Entity, double Quota)[] quotas) =>
        _quotas = ClientQuotaSnapshot.From(quotas.Select(q => new ClientQuotaRecord(q.Entity, new Dictionary<string, double> { [Key] = q.Quota })), _quotas.Version + 1);

    [Fact]
    public void WithoutAQuotaNothingIsThrottled()
    {
        var manager = Manager();
        Assert.Equal(0, manager.RecordAndGetThrottleTimeMs(null, "alice", "app", 1e12));
    }

    [Fact]
    public void ThrottleTimeIsKafkasFormula()
    {
        Set((ClientQuotaEntity.Of(("user", "alice")), 1000));
        var manager = Manager();

        // 10 000 bytes in a 10 s window is exactly 1000/s: at the quota, not over it.
        Assert.Equal(0, manager.RecordAndGetThrottleTimeMs(null, "alice", "app", 10_000));
        // 15 000 in 10 s is 1500/s: (1500 − 1000) / 1000 × 10 s = 5 s.
        Assert.Equal(5000, manager.RecordAndGetThrottleTimeMs(null, "alice", "app", 5_000));
        Assert.True(manager.IsExceeded(null, "alice", "app"));
        // Once the whole window has passed, what it recorded no longer counts.
        _time.Advance(TimeSpan.FromSeconds(11));
        Assert.False(manager.IsExceeded(null, "alice", "app"));
    }

    [Fact]
    public void ThrottleIsCappedAtTheWholeWindow()
    {
        Set((ClientQuotaEntity.Of(("user", "alice")), 1));
        Assert.Equal(11_000, Manager().RecordAndGetThrottleTimeMs(null, "alice", "app", 1e9));
    }

    [Fact]
    public void TheMostSpecificQuotaWinsInKafkasOrder()
    {
        var levels = new (ClientQuotaEntity Entity, double Quota)[]
        {
            (ClientQuotaEntity.Of(("user", "alice"), ("client-id", "app")), 1),
            (ClientQuotaEntity.Of(("user", "alice"), ("client-id", null)), 2),
            (ClientQuotaEntity.Of(("user", "alice")), 3),
            (ClientQuotaEntity.Of(("user", null), ("client-id", "app")), 4),
            (ClientQuotaEntity.Of(("user", null), ("client-id", null)), 5),
            (ClientQuotaEntity.Of(("user", null)), 6),
            (ClientQuotaEntity.Of(("client-id", "app")), 7),
            (ClientQuotaEntity.Of(("client-id", null)), 8),
        };
        for (var first = 0; first < levels.Length; first++)
        {
            Set(levels[first..]);
            var usage = Assert.Single(Observe(Manager()));
            Assert.Equal(levels[first].Entity.ToString(), usage.Entity);
            Assert.Equal(levels[first].Quota, usage.Quota);
        }

        static IReadOnlyList<QuotaUsage> Observe(ClientQuotaManager manager)
        {
            manager.RecordAndGetThrottleTimeMs(null, "alice", "app", 1);
            return manager.Usage();
        }
    }

    [Fact]
    public void ADefaultUserQuotaGivesEachUserTheirOwnAllowanceButAUserQuotaIsSharedByTheirClients()
    {
        Set((ClientQuotaEntity.Of(("user", null)), 1000));
        var manager = Manager();
        Assert.Equal(0, manager.RecordAndGetThrottleTimeMs(null, "alice", "a", 10_000));
        Assert.Equal(0, manager.RecordAndGetThrottleTimeMs(null, "bob", "a", 10_000));
        // alice's second client shares alice's sensor: she is now at 2000/s.
        Assert.Equal(10_000, manager.RecordAndGetThrottleTimeMs(null, "alice", "b", 10_000));
    }

    [Fact]
    public void ATenantsOwnEntitiesComeBeforeTheClusterDefaults()
    {
        Set((ClientQuotaEntity.Of(("user", null)), 1000), (ClientQuotaEntity.Of(("tenant", "acme"), ("user", null)), 500));
        var manager = Manager();
        manager.RecordAndGetThrottleTimeMs("acme", "acme.bob", "app", 1);
        manager.RecordAndGetThrottleTimeMs(null, "carol", "app", 1);

        Assert.Equal(500, Assert.Single(manager.Usage("acme")).Quota);
        Assert.Equal(1000, Assert.Single(manager.Usage(), u => u.Tenant is null).Quota);
    }

    [Fact]
    public void ATenantsCapIsSharedByAllItsClientsAndSplitAcrossLiveBrokers()
    {
        _liveBrokers = 2;
        Set((ClientQuotaEntity.Of(("tenant", "acme")), 2000), (ClientQuotaEntity.Of(("user", null)), 1_000_000));
        var manager = Manager();

        // This broker's share is 1000/s; two users' 5000 each make 10 000 in 10 s: at it.
        Assert.Equal(0, manager.RecordAndGetThrottleTimeMs("acme", "acme.bob", "a", 5_000));
        Assert.Equal(0, manager.RecordAndGetThrottleTimeMs("acme", "acme.eve", "b", 5_000));
        // Another 5000 is 1500/s against 1000/s: the cap throttles 5 s, though the user quota is far away.
        Assert.Equal(5000, manager.RecordAndGetThrottleTimeMs("acme", "acme.eve", "b", 5_000));
        var eve = Assert.Single(manager.Usage("acme", "acme.eve"));
        Assert.Equal(2000, eve.TenantQuota);
        Assert.Equal(1000, eve.TenantQuotaOnThisBroker);
        Assert.Equal(1, eve.ThrottledByTenantCap);
        // Another tenant is not held to acme's cap.
        Assert.Equal(0, manager.RecordAndGetThrottleTimeMs("globex", "globex.bob", "a", 5_000));
    }

    [Fact]
    public void AChangedQuotaAppliesToTheNextRequest()
    {
        Set((ClientQuotaEntity.Of(("client-id", "app")), 1000));
        var manager = Manager();
        Assert.Equal(0, manager.RecordAndGetThrottleTimeMs(null, "alice", "app", 10_000));
        Set((ClientQuotaEntity.Of(("client-id", "app")), 100));
        Assert.True(manager.RecordAndGetThrottleTimeMs(null, "alice", "app", 1) > 0);
    }
}
