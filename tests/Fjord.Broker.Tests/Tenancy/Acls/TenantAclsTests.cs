using Fjord.Broker.Tenancy.Acls;
using Fjord.Security.Authorization;
using Fjord.Security.Tenancy;
using static Fjord.Broker.Tests.Tenancy.TenantTesting;

namespace Fjord.Broker.Tests.Tenancy.Acls;

/// <summary>How a tenant's ACL patterns, principals and filters map onto the stored ones, and what its filters can reach.</summary>
public sealed class TenantAclsTests
{
    private static readonly TenantScope Acme = Scope("acme");

    private static AclBinding Stored(ResourceType type, string name, PatternType pattern, string principal) =>
        new(new ResourcePattern(type, name, pattern), new AccessControlEntry(principal, "*", AclOperation.Read, AclPermissionType.Allow));

    /// <summary>Which of <paramref name="acls"/> a filter the tenant sent reaches, once the rewrite has stored it.</summary>
    private static List<AclBinding> Reached(AclBindingFilter sent, params AclBinding[] acls)
    {
        var (name, pattern) = sent.ResourceName is null ? (null, sent.PatternType) : TenantAcls.ToStored(Acme, sent.ResourceName, sent.PatternType);
        var stored = sent with
        {
            ResourceName = name,
            PatternType = pattern,
            Principal = sent.Principal is null ? null : TenantAcls.ToStoredPrincipal(Acme, sent.Principal),
        };
        return [.. acls.Where(TenantAcls.Matcher(Acme, stored))];
    }

    private static readonly AclBinding OwnWildcard = Stored(ResourceType.Topic, "acme.", PatternType.Prefixed, "User:acme.*");
    private static readonly AclBinding OwnOrders = Stored(ResourceType.Topic, "acme.orders", PatternType.Literal, "User:acme.bob");
    private static readonly AclBinding OwnPrefix = Stored(ResourceType.Topic, "acme.ord", PatternType.Prefixed, "User:acme.bob");
    private static readonly AclBinding OwnOther = Stored(ResourceType.Topic, "acme.payments", PatternType.Literal, "User:acme.bob");
    private static readonly AclBinding OwnCluster = Stored(ResourceType.Cluster, "acme.kafka-cluster", PatternType.Literal, "User:acme.bob");
    private static readonly AclBinding OperatorWildcard = Stored(ResourceType.Topic, "*", PatternType.Literal, "User:acme.bob");
    private static readonly AclBinding OperatorPrefix = Stored(ResourceType.Topic, "acm", PatternType.Prefixed, "User:acme.bob");
    private static readonly AclBinding OperatorCluster = Stored(ResourceType.Cluster, "kafka-cluster", PatternType.Literal, "User:acme.bob");
    private static readonly AclBinding OperatorsPrincipal = Stored(ResourceType.Topic, "acme.orders", PatternType.Literal, "User:ops");
    private static readonly AclBinding OperatorsUserResource = Stored(ResourceType.User, "acme.bob", PatternType.Literal, "User:acme.admin");
    private static readonly AclBinding OtherTenant = Stored(ResourceType.Topic, "globex.orders", PatternType.Literal, "User:globex.bob");
    private static readonly AclBinding OtherTenantWildcard = Stored(ResourceType.Topic, "globex.", PatternType.Prefixed, "User:globex.*");

    private static readonly AclBinding[] Everything =
    [
        OwnWildcard, OwnOrders, OwnPrefix, OwnOther, OwnCluster, OperatorWildcard, OperatorPrefix, OperatorCluster, OperatorsPrincipal,
        OperatorsUserResource, OtherTenant, OtherTenantWildcard,
    ];

    [Fact]
    public void ALiteralWildcardIsStoredAsTheTenantsPrefixAndReadBackAsTheWildcard()
    {
        Assert.Equal(("acme.", PatternType.Prefixed), TenantAcls.ToStored(Acme, "*", PatternType.Literal));
        Assert.Equal(("acme.*", PatternType.Prefixed), TenantAcls.ToStored(Acme, "*", PatternType.Prefixed));
        Assert.Equal(("acme.orders", PatternType.Literal), TenantAcls.ToStored(Acme, "orders", PatternType.Literal));
        Assert.Equal(("acme.kafka-cluster", PatternType.Literal), TenantAcls.ToStored(Acme, "kafka-cluster", PatternType.Literal));
        Assert.Equal(("", PatternType.Prefixed), TenantAcls.ToStored(Acme, "", PatternType.Prefixed));

        var view = TenantAcls.ToClient(Acme, OwnWildcard);
        Assert.Equal(new ResourcePattern(ResourceType.Topic, "*", PatternType.Literal), view?.Pattern);
        Assert.Equal("User:*", view?.Entry.Principal);
        Assert.Equal(new ResourcePattern(ResourceType.Cluster, "kafka-cluster", PatternType.Literal), TenantAcls.ToClient(Acme, OwnCluster)?.Pattern);
    }

    [Fact]
    public void PrincipalsAreStoredInTheTenantsNamespace()
    {
        Assert.Equal("User:acme.bob", TenantAcls.ToStoredPrincipal(Acme, "User:bob"));
        Assert.Equal("User:acme.*", TenantAcls.ToStoredPrincipal(Acme, "User:*"));
        Assert.Equal("not-a-principal", TenantAcls.ToStoredPrincipal(Acme, "not-a-principal"));
        Assert.Equal("User:bob", TenantAcls.ToClientPrincipal(Acme, "User:acme.bob"));
        Assert.Null(TenantAcls.ToClientPrincipal(Acme, "User:bob"));
        Assert.Null(TenantAcls.ToClientPrincipal(Acme, "User:*"));
    }

    [Fact]
    public void NothingOutsideTheTenantIsEverVisible()
    {
        foreach (var acl in new[] { OperatorWildcard, OperatorPrefix, OperatorCluster, OperatorsPrincipal, OperatorsUserResource, OtherTenant, OtherTenantWildcard })
            Assert.Null(TenantAcls.ToClient(Acme, acl));
    }

    [Fact]
    public void AMatchEverythingFilterReachesOnlyTheTenantsOwnAcls()
    {
        Assert.Equal([OwnWildcard, OwnOrders, OwnPrefix, OwnOther, OwnCluster], Reached(AclBindingFilter.Any, Everything));
        Assert.Equal([OwnWildcard, OwnOrders, OwnPrefix, OwnOther], Reached(AclBindingFilter.Any with { ResourceType = ResourceType.Topic }, Everything));
    }

    [Fact]
    public void AMatchFilterTakesInTheTenantsWildcardAndPrefixesButNeverTheOperatorsWildcard()
    {
        var match = AclBindingFilter.Any with { ResourceType = ResourceType.Topic, ResourceName = "orders", PatternType = PatternType.Match };
        Assert.Equal([OwnWildcard, OwnOrders, OwnPrefix], Reached(match, Everything));
    }

    [Fact]
    public void FiltersOnTheWildcardAndOnPatternTypesAloneMeanWhatTheyMeanInKafka()
    {
        var literalWildcard = AclBindingFilter.Any with { ResourceName = "*", PatternType = PatternType.Literal };
        Assert.Equal([OwnWildcard], Reached(literalWildcard, Everything));
        var anyWildcard = AclBindingFilter.Any with { ResourceName = "*", PatternType = PatternType.Any };
        Assert.Equal([OwnWildcard], Reached(anyWildcard, Everything));
        var everyLiteral = AclBindingFilter.Any with { PatternType = PatternType.Literal };
        Assert.Equal([OwnWildcard, OwnOrders, OwnOther, OwnCluster], Reached(everyLiteral, Everything));
        var everyPrefixed = AclBindingFilter.Any with { PatternType = PatternType.Prefixed };
        Assert.Equal([OwnPrefix], Reached(everyPrefixed, Everything));
    }

    [Fact]
    public void APrincipalFilterIsTheTenantsPrincipal()
    {
        Assert.Equal([OwnOrders, OwnPrefix, OwnOther, OwnCluster], Reached(AclBindingFilter.Any with { Principal = "User:bob" }, Everything));
        Assert.Equal([OwnWildcard], Reached(AclBindingFilter.Any with { Principal = "User:*" }, Everything));
        Assert.Empty(Reached(AclBindingFilter.Any with { Principal = "User:ops" }, Everything));
        Assert.Empty(Reached(AclBindingFilter.Any with { Principal = "User:globex.bob" }, Everything));
    }

    [Fact]
    public void AnOperatorsFilterIsMatchedAsItIs()
    {
        Assert.Equal(Everything, Everything.Where(TenantAcls.Matcher(null, AclBindingFilter.Any)));
    }

    [Fact]
    public void OnlyTheTenantsOwnClusterResourceIsValidatedAsTheCluster()
    {
        Assert.Null(AclValidation.ValidateBinding(TenantAcls.ForValidation(Acme, OwnCluster)));
        Assert.NotNull(AclValidation.ValidateBinding(TenantAcls.ForValidation(Acme, Stored(ResourceType.Cluster, "acme.other", PatternType.Literal, "User:acme.bob"))));
        Assert.NotNull(AclValidation.ValidateBinding(TenantAcls.ForValidation(Scope("globex"), OwnCluster)));
        Assert.NotNull(AclValidation.ValidateBinding(TenantAcls.ForValidation(null, OwnCluster)));
    }
}
