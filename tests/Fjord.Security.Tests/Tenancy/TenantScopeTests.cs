using Fjord.Security.Principals;
using Fjord.Security.Tenancy;

namespace Fjord.Security.Tests.Tenancy;

public sealed class TenantScopeTests
{
    private static readonly TenantScope Ab = new(new Tenant("ab", "AB", TenantState.Active, TenantClusterIds.New(), TenantLimits.None, DateTimeOffset.UnixEpoch));

    [Fact]
    public void NamesAreStoredUnderTheTenantsPrefixWhateverTheySay()
    {
        Assert.Equal("ab.orders", Ab.ToStored("orders"));
        Assert.Equal("ab.cd.orders", Ab.ToStored("cd.orders"));
        Assert.Equal("ab.", Ab.Prefix);
        Assert.Equal("ab.kafka-cluster", Ab.ClusterResourceName);
    }

    [Fact]
    public void OwnershipIsTheExactPrefixWithSomethingAfterIt()
    {
        Assert.True(Ab.Owns("ab.x"));
        Assert.True(Ab.Owns("ab.abc.x"));
        Assert.False(Ab.Owns("abc.x"));
        Assert.False(Ab.Owns("ab."));
        Assert.False(Ab.Owns("ab"));
        Assert.False(Ab.Owns("xab.x"));
    }

    [Fact]
    public void StoredNamesTurnBackIntoTheTenantsNamesAndOthersDoNot()
    {
        Assert.Equal("orders", Ab.ToClient("ab.orders"));
        Assert.True(Ab.TryToClient("ab.orders", out var again));
        Assert.Equal("orders", again);
        Assert.False(Ab.TryToClient("abc.orders", out _));
        Assert.Throws<ArgumentException>(() => Ab.ToClient("abc.orders"));
    }

    [Fact]
    public void PrincipalsAreStoredUnderThePrefixAndTheWildcardBecomesTheTenantsWildcard()
    {
        Assert.Equal(KafkaPrincipal.User("ab.bob"), Ab.ToStored(KafkaPrincipal.User("bob")));
        Assert.Equal(KafkaPrincipal.User("ab.*"), Ab.ToStored(KafkaPrincipal.Wildcard));
        Assert.Equal(Ab.WildcardPrincipal, Ab.ToStored(KafkaPrincipal.Wildcard));
        Assert.True(Ab.TryToClient(KafkaPrincipal.User("ab.bob"), out var bob));
        Assert.Equal(KafkaPrincipal.User("bob"), bob);
        Assert.False(Ab.TryToClient(KafkaPrincipal.User("abc.bob"), out _));
    }

    [Fact]
    public void TopicNamesAreShorterByThePrefix() => Assert.Equal(249 - 3, Ab.MaxTopicNameLength);

    [Fact]
    public void ErrorMessagesLoseThePrefix()
    {
        Assert.Equal("Topic 'orders' already exists.", Ab.ToClientMessage("Topic 'ab.orders' already exists."));
        Assert.Null(Ab.ToClientMessage(null));
        Assert.Equal("nothing to see", Ab.ToClientMessage("nothing to see"));
    }

    [Fact]
    public void OnlyAnActiveTenantIsActive()
    {
        Assert.True(Ab.IsActive);
        Assert.False(new TenantScope(Ab.Tenant with { State = TenantState.Suspended }).IsActive);
        Assert.False(new TenantScope(Ab.Tenant with { State = TenantState.Deleting }).IsActive);
    }

    [Fact]
    public void AnIllegalIdCannotBeScoped() =>
        Assert.Throws<ArgumentException>(() => new TenantScope(Ab.Tenant with { Id = "a.b" }));

    [Fact]
    public void ManyNamesStillTranslateOnceTheCacheIsFull()
    {
        var scope = new TenantScope(Ab.Tenant);
        for (var i = 0; i < 5000; i++)
            Assert.Equal($"ab.t{i}", scope.ToStored($"t{i}"));
        Assert.Equal("t4999", scope.ToClient("ab.t4999"));
    }
}
