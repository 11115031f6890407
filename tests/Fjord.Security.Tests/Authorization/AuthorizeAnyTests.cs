using Fjord.Security.Authorization;
using Fjord.Security.Principals;
using static Fjord.Security.Tests.Authorization.Acls;

namespace Fjord.Security.Tests.Authorization;

/// <summary>Kafka's authorizeByResourceType (KIP-679): may the principal do the operation on some resource of the type?</summary>
public sealed class AuthorizeAnyTests
{
    private static bool CanWriteSomeTopic(AclAuthorizer authorizer, KafkaPrincipal? who = null) =>
        authorizer.AuthorizeAny(who ?? Alice, ClientHost, AclOperation.Write, ResourceType.Topic);

    [Fact]
    public void ALiteralAllowOnOneTopicIsEnough()
    {
        Assert.True(CanWriteSomeTopic(Authorizer(AllowTopic("User:alice", AclOperation.Write, "orders"))));
    }

    [Fact]
    public void APrefixedAllowIsEnough()
    {
        Assert.True(CanWriteSomeTopic(Authorizer(AllowTopic("User:alice", AclOperation.Write, "orders-", PatternType.Prefixed))));
    }

    [Fact]
    public void NoAllowMeansNo()
    {
        Assert.False(CanWriteSomeTopic(Authorizer(AllowTopic("User:bob", AclOperation.Write, "orders"))));
        Assert.False(CanWriteSomeTopic(Authorizer(Allow("User:alice", AclOperation.Write, ResourceType.Group, "orders"))));
    }

    [Fact]
    public void ImpliedOperationsDoNotCount()
    {
        // Kafka compares the operation exactly (or All) here: an Allow of Write is not a Describe on some topic.
        var authorizer = Authorizer(AllowTopic("User:alice", AclOperation.Write, "orders"));

        Assert.False(authorizer.AuthorizeAny(Alice, ClientHost, AclOperation.Describe, ResourceType.Topic));
    }

    [Fact]
    public void AnAllowOfAllCounts()
    {
        Assert.True(CanWriteSomeTopic(Authorizer(AllowTopic("User:*", AclOperation.All, "orders"))));
    }

    [Fact]
    public void ADenyOfTheSameLiteralCancelsIt()
    {
        var authorizer = Authorizer(
            AllowTopic("User:alice", AclOperation.Write, "orders"),
            DenyTopic("User:alice", AclOperation.Write, "orders"));

        Assert.False(CanWriteSomeTopic(authorizer));
    }

    [Fact]
    public void ADenyOnAPrefixCancelsTheAllowsItCovers()
    {
        var authorizer = Authorizer(
            AllowTopic("User:alice", AclOperation.Write, "orders-eu"),
            AllowTopic("User:alice", AclOperation.Write, "orders-us", PatternType.Prefixed),
            DenyTopic("User:*", AclOperation.Write, "orders", PatternType.Prefixed));

        Assert.False(CanWriteSomeTopic(authorizer));
    }

    [Fact]
    public void ADenyOnAPrefixLeavesAnAllowItDoesNotCover()
    {
        var authorizer = Authorizer(
            AllowTopic("User:alice", AclOperation.Write, "orders-eu"),
            AllowTopic("User:alice", AclOperation.Write, "payments"),
            DenyTopic("User:*", AclOperation.Write, "orders", PatternType.Prefixed));

        Assert.True(CanWriteSomeTopic(authorizer));
    }

    [Fact]
    public void ADenyOnALongerPrefixDoesNotCancelAShorterAllowedPrefix()
    {
        // Topics under "orders-" but outside "orders-eu" remain writable.
        var authorizer = Authorizer(
            AllowTopic("User:alice", AclOperation.Write, "orders-", PatternType.Prefixed),
            DenyTopic("User:alice", AclOperation.Write, "orders-eu", PatternType.Prefixed));

        Assert.True(CanWriteSomeTopic(authorizer));
    }

    [Fact]
    public void ALiteralDenyDoesNotCancelAPrefixedAllow()
    {
        var authorizer = Authorizer(
            AllowTopic("User:alice", AclOperation.Write, "orders", PatternType.Prefixed),
            DenyTopic("User:alice", AclOperation.Write, "orders"));

        Assert.True(CanWriteSomeTopic(authorizer));
    }

    [Fact]
    public void ADenyOnTheWildcardDeniesEverything()
    {
        var authorizer = Authorizer(
            AllowTopic("User:alice", AclOperation.Write, "*"),
            AllowTopic("User:alice", AclOperation.Write, "orders"),
            DenyTopic("User:alice", AclOperation.Write, "*"));

        Assert.False(CanWriteSomeTopic(authorizer));
    }

    [Fact]
    public void AnAllowOnTheWildcardAllowsDespitePrefixDenies()
    {
        var authorizer = Authorizer(
            AllowTopic("User:alice", AclOperation.Write, "*"),
            DenyTopic("User:alice", AclOperation.Write, "o", PatternType.Prefixed));

        Assert.True(CanWriteSomeTopic(authorizer));
    }

    [Fact]
    public void DeniesForAnotherHostOrPrincipalDoNotCount()
    {
        var authorizer = Authorizer(
            AllowTopic("User:alice", AclOperation.Write, "orders"),
            DenyTopic("User:bob", AclOperation.Write, "orders"),
            DenyTopic("User:alice", AclOperation.Write, "orders", host: "10.0.0.2"));

        Assert.True(CanWriteSomeTopic(authorizer));
    }

    [Fact]
    public void AnAllowForAnotherHostDoesNotCount()
    {
        Assert.False(CanWriteSomeTopic(Authorizer(AllowTopic("User:alice", AclOperation.Write, "orders", host: "10.0.0.2"))));
    }

    [Fact]
    public void SuperUsersAreAllowed()
    {
        var options = new AuthorizerOptions { SuperUsers = AuthorizerOptions.ParseSuperUsers("User:admin") };

        Assert.True(CanWriteSomeTopic(Authorizer(options, DenyTopic("User:*", AclOperation.All, "*")), KafkaPrincipal.User("admin")));
    }

    [Fact]
    public void AllowEveryoneIfNoAclFoundAppliesThroughKafkasProbe()
    {
        var options = new AuthorizerOptions { AllowEveryoneIfNoAclFound = true };

        Assert.True(CanWriteSomeTopic(Authorizer(options)));
        Assert.True(CanWriteSomeTopic(Authorizer(options, AllowTopic("User:bob", AclOperation.Write, "orders"))));
        Assert.False(CanWriteSomeTopic(Authorizer(options, DenyTopic("User:alice", AclOperation.Write, "*"))));
    }
}
