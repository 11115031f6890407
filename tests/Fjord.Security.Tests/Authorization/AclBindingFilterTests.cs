using Fjord.Security.Authorization;
using static Fjord.Security.Tests.Authorization.Acls;

namespace Fjord.Security.Tests.Authorization;

public sealed class AclBindingFilterTests
{
    private static readonly AclBinding LiteralOrders = AllowTopic("User:alice", AclOperation.Read, "orders");
    private static readonly AclBinding WildcardTopic = AllowTopic("User:alice", AclOperation.Read, "*");
    private static readonly AclBinding PrefixedOrd = AllowTopic("User:alice", AclOperation.Read, "ord", PatternType.Prefixed);
    private static readonly AclBinding PrefixedPay = AllowTopic("User:alice", AclOperation.Read, "pay", PatternType.Prefixed);
    private static readonly AclBinding LiteralOrd = AllowTopic("User:alice", AclOperation.Read, "ord");

    private static AclBindingFilter Topic(string? name, PatternType pattern) =>
        new(ResourceType.Topic, name, pattern, null, null, AclOperation.Any, AclPermissionType.Any);

    [Fact]
    public void TheAnyFilterMatchesEverything()
    {
        foreach (var binding in new[] { LiteralOrders, WildcardTopic, PrefixedOrd, Allow("User:x", AclOperation.Alter, ResourceType.Cluster, "kafka-cluster") })
            Assert.True(AclBindingFilter.Any.Matches(binding));
    }

    [Fact]
    public void MatchFindsTheLiteralNameTheWildcardAndCoveringPrefixes()
    {
        var filter = Topic("orders", PatternType.Match);

        Assert.True(filter.Matches(LiteralOrders));
        Assert.True(filter.Matches(WildcardTopic));
        Assert.True(filter.Matches(PrefixedOrd));
        Assert.False(filter.Matches(PrefixedPay));
        Assert.False(filter.Matches(LiteralOrd));
    }

    [Fact]
    public void LiteralAndPrefixedFiltersCompareNamesExactly()
    {
        Assert.True(Topic("orders", PatternType.Literal).Matches(LiteralOrders));
        Assert.False(Topic("orders", PatternType.Literal).Matches(WildcardTopic));
        Assert.False(Topic("orders", PatternType.Literal).Matches(PrefixedOrd));
        Assert.True(Topic("ord", PatternType.Prefixed).Matches(PrefixedOrd));
        Assert.False(Topic("ord", PatternType.Prefixed).Matches(LiteralOrd));
        Assert.False(Topic("orders", PatternType.Prefixed).Matches(PrefixedOrd));
    }

    [Fact]
    public void AnyPatternTypeComparesNamesExactlyAcrossPatternTypes()
    {
        var filter = Topic("ord", PatternType.Any);

        Assert.True(filter.Matches(PrefixedOrd));
        Assert.True(filter.Matches(LiteralOrd));
        Assert.False(filter.Matches(LiteralOrders));
    }

    [Fact]
    public void ANullNameMatchesEveryNameOfTheRestrictedPatternType()
    {
        Assert.True(Topic(null, PatternType.Prefixed).Matches(PrefixedPay));
        Assert.False(Topic(null, PatternType.Prefixed).Matches(LiteralOrders));
        Assert.True(Topic(null, PatternType.Match).Matches(LiteralOrders));
    }

    [Fact]
    public void EntryFieldsFilterExactlyOrAny()
    {
        var binding = AllowTopic("User:alice", AclOperation.Read, "orders", host: "10.0.0.1");

        Assert.True(new AclBindingFilter(ResourceType.Any, null, PatternType.Any, "User:alice", "10.0.0.1", AclOperation.Read, AclPermissionType.Allow).Matches(binding));
        Assert.False((AclBindingFilter.Any with { Principal = "User:*" }).Matches(binding));
        Assert.False((AclBindingFilter.Any with { Host = "*" }).Matches(binding));
        Assert.False((AclBindingFilter.Any with { Operation = AclOperation.All }).Matches(binding));
        Assert.False((AclBindingFilter.Any with { PermissionType = AclPermissionType.Deny }).Matches(binding));
        Assert.False((AclBindingFilter.Any with { ResourceType = ResourceType.Group }).Matches(binding));
    }

    [Fact]
    public void AFilterMadeForABindingMatchesAtMostThatOne()
    {
        var filter = AclBindingFilter.For(LiteralOrders);

        Assert.True(filter.MatchesAtMostOne);
        Assert.True(filter.Matches(LiteralOrders));
        Assert.False(filter.Matches(LiteralOrders with { Entry = LiteralOrders.Entry with { Operation = AclOperation.Write } }));
    }

    [Fact]
    public void FindIndefiniteFieldNamesTheFirstLooseField()
    {
        var exact = AclBindingFilter.For(LiteralOrders);

        Assert.Null(exact.FindIndefiniteField());
        Assert.Equal("Resource type is ANY.", AclBindingFilter.Any.FindIndefiniteField());
        Assert.Equal("Resource name is NULL.", (exact with { ResourceName = null }).FindIndefiniteField());
        Assert.Equal("Resource pattern type is MATCH.", (exact with { PatternType = PatternType.Match }).FindIndefiniteField());
        Assert.Equal("Principal is NULL.", (exact with { Principal = null }).FindIndefiniteField());
        Assert.Equal("Host is NULL.", (exact with { Host = null }).FindIndefiniteField());
        Assert.Equal("Operation is ANY.", (exact with { Operation = AclOperation.Any }).FindIndefiniteField());
        Assert.Equal("Permission type is ANY.", (exact with { PermissionType = AclPermissionType.Any }).FindIndefiniteField());
        Assert.False((exact with { Host = null }).MatchesAtMostOne);
    }
}
