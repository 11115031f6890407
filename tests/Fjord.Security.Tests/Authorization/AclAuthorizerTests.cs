using System.Net;
using Fjord.Security.Authorization;
using Fjord.Security.Principals;
using static Fjord.Security.Tests.Authorization.Acls;

namespace Fjord.Security.Tests.Authorization;

/// <summary>The decision rules of Kafka's StandardAuthorizer, one rule per test.</summary>
public sealed class AclAuthorizerTests
{
    private static bool Can(AclAuthorizer authorizer, KafkaPrincipal who, AclOperation operation, string topic, IPAddress? host = null) =>
        authorizer.Authorize(who, host ?? ClientHost, operation, ResourceType.Topic, topic);

    [Fact]
    public void ALiteralAllowGrantsItsOperationOnThatResourceOnly()
    {
        var authorizer = Authorizer(AllowTopic("User:alice", AclOperation.Read, "orders"));

        Assert.True(Can(authorizer, Alice, AclOperation.Read, "orders"));
        Assert.False(Can(authorizer, Alice, AclOperation.Write, "orders"));
        Assert.False(Can(authorizer, Alice, AclOperation.Read, "orders2"));
        Assert.False(Can(authorizer, Bob, AclOperation.Read, "orders"));
        Assert.False(authorizer.Authorize(Alice, ClientHost, AclOperation.Read, ResourceType.Group, "orders"));
    }

    [Fact]
    public void DenyWinsOverAllow()
    {
        var authorizer = Authorizer(
            AllowTopic("User:alice", AclOperation.Read, "orders"),
            DenyTopic("User:alice", AclOperation.Read, "orders"));

        Assert.False(Can(authorizer, Alice, AclOperation.Read, "orders"));
    }

    [Fact]
    public void ADenyOnAWiderPatternWinsOverALiteralAllow()
    {
        var authorizer = Authorizer(
            AllowTopic("User:alice", AclOperation.Read, "orders"),
            DenyTopic("User:*", AclOperation.Read, "ord", PatternType.Prefixed));

        Assert.False(Can(authorizer, Alice, AclOperation.Read, "orders"));
    }

    [Fact]
    public void TheWildcardPrincipalMatchesEveryPrincipal()
    {
        var authorizer = Authorizer(AllowTopic("User:*", AclOperation.Write, "orders"));

        Assert.True(Can(authorizer, Alice, AclOperation.Write, "orders"));
        Assert.True(Can(authorizer, new KafkaPrincipal("Group", "ops"), AclOperation.Write, "orders"));
    }

    [Fact]
    public void AWildcardPrincipalDenyOnTheSamePatternBeatsAPersonalAllow()
    {
        var authorizer = Authorizer(
            AllowTopic("User:alice", AclOperation.Write, "orders"),
            AllowTopic("User:bob", AclOperation.Write, "orders"),
            DenyTopic("User:*", AclOperation.Write, "orders", host: "10.0.0.2"));

        Assert.True(Can(authorizer, Alice, AclOperation.Write, "orders", ClientHost));
        Assert.False(Can(authorizer, Alice, AclOperation.Write, "orders", OtherHost));
        Assert.False(Can(authorizer, Bob, AclOperation.Write, "orders", OtherHost));
    }

    [Fact]
    public void AHostScopedAclMatchesOnlyThatAddress()
    {
        var authorizer = Authorizer(AllowTopic("User:alice", AclOperation.Read, "orders", host: "10.0.0.1"));

        Assert.True(Can(authorizer, Alice, AclOperation.Read, "orders", ClientHost));
        Assert.False(Can(authorizer, Alice, AclOperation.Read, "orders", OtherHost));
    }

    [Fact]
    public void AnIpv4ClientSeenThroughADualModeSocketMatchesItsIpv4Acl()
    {
        var authorizer = Authorizer(AllowTopic("User:alice", AclOperation.Read, "orders", host: "10.0.0.1"));

        Assert.True(Can(authorizer, Alice, AclOperation.Read, "orders", ClientHost.MapToIPv6()));
    }

    [Fact]
    public void AnIpv6HostMatchesWhateverWayItWasWritten()
    {
        var authorizer = Authorizer(AllowTopic("User:alice", AclOperation.Read, "orders", host: "0:0:0:0:0:0:0:1"));

        Assert.True(Can(authorizer, Alice, AclOperation.Read, "orders", IPAddress.IPv6Loopback));
    }

    [Fact]
    public void TheWildcardHostMatchesEveryAddress()
    {
        var authorizer = Authorizer(AllowTopic("User:alice", AclOperation.Read, "orders", host: "*"));

        Assert.True(Can(authorizer, Alice, AclOperation.Read, "orders", OtherHost));
        Assert.True(Can(authorizer, Alice, AclOperation.Read, "orders", IPAddress.IPv6Loopback));
    }

    [Fact]
    public void AHostScopedDenyOnlyDeniesThatAddress()
    {
        var authorizer = Authorizer(
            AllowTopic("User:alice", AclOperation.Read, "orders"),
            DenyTopic("User:alice", AclOperation.Read, "orders", host: "10.0.0.2"));

        Assert.True(Can(authorizer, Alice, AclOperation.Read, "orders", ClientHost));
        Assert.False(Can(authorizer, Alice, AclOperation.Read, "orders", OtherHost));
    }

    [Fact]
    public void APrefixedAclCoversEveryNameStartingWithIt()
    {
        var authorizer = Authorizer(AllowTopic("User:alice", AclOperation.Read, "orders-", PatternType.Prefixed));

        Assert.True(Can(authorizer, Alice, AclOperation.Read, "orders-eu"));
        Assert.True(Can(authorizer, Alice, AclOperation.Read, "orders-"));
        Assert.False(Can(authorizer, Alice, AclOperation.Read, "orders"));
        Assert.False(Can(authorizer, Alice, AclOperation.Read, "xorders-eu"));
    }

    [Fact]
    public void PrefixesOfSeveralLengthsAllApply()
    {
        var authorizer = Authorizer(
            AllowTopic("User:alice", AclOperation.Read, "a", PatternType.Prefixed),
            AllowTopic("User:bob", AclOperation.Read, "abc", PatternType.Prefixed),
            DenyTopic("User:alice", AclOperation.Read, "abcd", PatternType.Prefixed));

        Assert.True(Can(authorizer, Alice, AclOperation.Read, "abc"));
        Assert.False(Can(authorizer, Alice, AclOperation.Read, "abcde"));
        Assert.True(Can(authorizer, Bob, AclOperation.Read, "abcde"));
        Assert.False(Can(authorizer, Bob, AclOperation.Read, "ab"));
    }

    [Fact]
    public void ALiteralWildcardNameCoversEveryResourceOfItsType()
    {
        var authorizer = Authorizer(AllowTopic("User:alice", AclOperation.Read, "*"));

        Assert.True(Can(authorizer, Alice, AclOperation.Read, "anything"));
        Assert.False(authorizer.Authorize(Alice, ClientHost, AclOperation.Read, ResourceType.Group, "anything"));
    }

    [Fact]
    public void APrefixedStarIsNotAWildcard()
    {
        var authorizer = Authorizer(AllowTopic("User:alice", AclOperation.Read, "*", PatternType.Prefixed));

        Assert.False(Can(authorizer, Alice, AclOperation.Read, "orders"));
        Assert.True(Can(authorizer, Alice, AclOperation.Read, "*orders"));
    }

    [Fact]
    public void AllMatchesEveryOperation()
    {
        var authorizer = Authorizer(AllowTopic("User:alice", AclOperation.All, "orders"));

        foreach (var operation in new[] { AclOperation.Read, AclOperation.Write, AclOperation.Create, AclOperation.Delete, AclOperation.Alter, AclOperation.Describe, AclOperation.DescribeConfigs, AclOperation.AlterConfigs })
            Assert.True(Can(authorizer, Alice, operation, "orders"), operation.ToString());
    }

    [Fact]
    public void ADenyOfAllDeniesEveryOperation()
    {
        var authorizer = Authorizer(
            AllowTopic("User:alice", AclOperation.All, "orders"),
            DenyTopic("User:alice", AclOperation.All, "orders"));

        Assert.False(Can(authorizer, Alice, AclOperation.Read, "orders"));
        Assert.False(Can(authorizer, Alice, AclOperation.Describe, "orders"));
    }

    [Theory]
    [InlineData(AclOperation.Read)]
    [InlineData(AclOperation.Write)]
    [InlineData(AclOperation.Delete)]
    [InlineData(AclOperation.Alter)]
    [InlineData(AclOperation.Describe)]
    public void ReadWriteDeleteAndAlterImplyDescribe(AclOperation granted)
    {
        var authorizer = Authorizer(AllowTopic("User:alice", granted, "orders"));

        Assert.True(Can(authorizer, Alice, AclOperation.Describe, "orders"));
    }

    [Theory]
    [InlineData(AclOperation.Create)]
    [InlineData(AclOperation.AlterConfigs)]
    [InlineData(AclOperation.DescribeConfigs)]
    public void OtherOperationsDoNotImplyDescribe(AclOperation granted)
    {
        var authorizer = Authorizer(AllowTopic("User:alice", granted, "orders"));

        Assert.False(Can(authorizer, Alice, AclOperation.Describe, "orders"));
    }

    [Fact]
    public void AlterConfigsImpliesDescribeConfigsButNotTheOtherWayRound()
    {
        var authorizer = Authorizer(
            AllowTopic("User:alice", AclOperation.AlterConfigs, "orders"),
            AllowTopic("User:bob", AclOperation.DescribeConfigs, "orders"));

        Assert.True(Can(authorizer, Alice, AclOperation.DescribeConfigs, "orders"));
        Assert.False(Can(authorizer, Bob, AclOperation.AlterConfigs, "orders"));
    }

    [Fact]
    public void ImpliedOperationsAreNotImpliedByADeny()
    {
        // A Deny of Read does not deny Describe (Kafka denies exactly the operation named, or All).
        var authorizer = Authorizer(
            AllowTopic("User:alice", AclOperation.Describe, "orders"),
            DenyTopic("User:alice", AclOperation.Read, "orders"));

        Assert.True(Can(authorizer, Alice, AclOperation.Describe, "orders"));
        Assert.False(Can(authorizer, Alice, AclOperation.Read, "orders"));
    }

    [Fact]
    public void ADenyOfDescribeBeatsAnImpliedDescribe()
    {
        var authorizer = Authorizer(
            AllowTopic("User:alice", AclOperation.Write, "orders"),
            DenyTopic("User:alice", AclOperation.Describe, "orders"));

        Assert.False(Can(authorizer, Alice, AclOperation.Describe, "orders"));
        Assert.True(Can(authorizer, Alice, AclOperation.Write, "orders"));
    }

    [Fact]
    public void SuperUsersAreAllowedEverythingEvenWhenDenied()
    {
        var options = new AuthorizerOptions { SuperUsers = AuthorizerOptions.ParseSuperUsers("User:admin") };
        var authorizer = Authorizer(options, DenyTopic("User:*", AclOperation.All, "*"));

        Assert.True(Can(authorizer, KafkaPrincipal.User("admin"), AclOperation.Write, "orders"));
        Assert.True(authorizer.Authorize(KafkaPrincipal.User("admin"), ClientHost, AclOperation.Alter, ResourceType.Cluster, "kafka-cluster"));
        Assert.False(Can(authorizer, Alice, AclOperation.Write, "orders"));
    }

    [Fact]
    public void WithNoAclOnAResourceEveryoneIsDeniedByDefault()
    {
        var authorizer = Authorizer(AllowTopic("User:alice", AclOperation.Read, "other"));

        Assert.False(Can(authorizer, Alice, AclOperation.Read, "orders"));
        Assert.False(authorizer.Authorize(Alice, ClientHost, AclOperation.Read, ResourceType.Group, "g"));
    }

    [Fact]
    public void WithNoAclOnAResourceEveryoneIsAllowedWhenConfigured()
    {
        var options = new AuthorizerOptions { AllowEveryoneIfNoAclFound = true };
        var authorizer = Authorizer(options, AllowTopic("User:alice", AclOperation.Read, "other"));

        Assert.True(Can(authorizer, Bob, AclOperation.Write, "orders"));
        Assert.True(authorizer.Authorize(Bob, ClientHost, AclOperation.Read, ResourceType.Group, "g"));
    }

    [Fact]
    public void AllowEveryoneDoesNotApplyOnceAnyAclCoversTheResource()
    {
        // An ACL for someone else, or for another operation, still counts as "ACLs found": Bob is denied.
        var options = new AuthorizerOptions { AllowEveryoneIfNoAclFound = true };
        var authorizer = Authorizer(options,
            AllowTopic("User:alice", AclOperation.Read, "orders"),
            AllowTopic("User:alice", AclOperation.Read, "pay", PatternType.Prefixed));

        Assert.False(Can(authorizer, Bob, AclOperation.Read, "orders"));
        Assert.False(Can(authorizer, Alice, AclOperation.Write, "orders"));
        Assert.False(Can(authorizer, Bob, AclOperation.Read, "payments"));
        Assert.True(Can(authorizer, Bob, AclOperation.Read, "shipments"));
    }

    [Fact]
    public void AuthorizedOperationsIsTheKip430BitSetOfTheAllowedOnes()
    {
        var authorizer = Authorizer(
            AllowTopic("User:alice", AclOperation.Write, "orders"),
            AllowTopic("User:alice", AclOperation.Read, "orders"),
            DenyTopic("User:alice", AclOperation.Read, "orders", host: "10.0.0.1"));
        ReadOnlySpan<AclOperation> operations = [AclOperation.Read, AclOperation.Write, AclOperation.Create, AclOperation.Describe, AclOperation.AlterConfigs];

        var bits = authorizer.AuthorizedOperations(Alice, ClientHost, ResourceType.Topic, "orders", operations);

        Assert.Equal((1 << (int)AclOperation.Write) | (1 << (int)AclOperation.Describe), bits);
    }

    [Fact]
    public void AnUpdateReplacesTheAclsAndForgetsCachedDecisions()
    {
        var authorizer = Authorizer(AllowTopic("User:alice", AclOperation.Read, "orders"));
        Assert.True(Can(authorizer, Alice, AclOperation.Read, "orders"));
        Assert.True(authorizer.CachedDecisionCount > 0);

        Assert.True(authorizer.Update([DenyTopic("User:alice", AclOperation.Read, "orders")], version: 2));

        Assert.Equal(0, authorizer.CachedDecisionCount);
        Assert.False(Can(authorizer, Alice, AclOperation.Read, "orders"));
        Assert.Equal(2, authorizer.Version);
    }

    [Fact]
    public void AnOlderSnapshotNeverReplacesANewerOne()
    {
        var authorizer = Authorizer(AllowTopic("User:alice", AclOperation.Read, "orders"));
        Assert.True(authorizer.Update([AllowTopic("User:alice", AclOperation.Read, "orders")], version: 5));

        Assert.False(authorizer.Update([], version: 4));

        Assert.Equal(5, authorizer.Version);
        Assert.True(Can(authorizer, Alice, AclOperation.Read, "orders"));
    }

    [Fact]
    public void ARepeatedQuestionIsAnsweredFromTheCache()
    {
        var authorizer = Authorizer(AllowTopic("User:alice", AclOperation.Read, "orders"));
        Can(authorizer, Alice, AclOperation.Read, "orders");
        var cached = authorizer.CachedDecisionCount;

        Can(authorizer, Alice, AclOperation.Read, "orders");
        Can(authorizer, KafkaPrincipal.User("alice"), AclOperation.Read, new string("orders".AsSpan()), IPAddress.Parse("10.0.0.1"));

        Assert.Equal(cached, authorizer.CachedDecisionCount);
    }

    [Fact]
    public void TheDecisionCacheStaysWithinItsCapacity()
    {
        var authorizer = Authorizer(new AuthorizerOptions { DecisionCacheCapacity = 10 }, AllowTopic("User:alice", AclOperation.Read, "t", PatternType.Prefixed));

        for (var i = 0; i < 100; i++)
            Assert.True(Can(authorizer, Alice, AclOperation.Read, $"t{i}"));

        Assert.InRange(authorizer.CachedDecisionCount, 0, 10);
    }

    [Fact]
    public void ACachedDecisionAllocatesNothing()
    {
        var authorizer = Authorizer(AllowTopic("User:alice", AclOperation.Read, "orders"), AllowTopic("User:*", AclOperation.Read, "o", PatternType.Prefixed));
        for (var i = 0; i < 10_000; i++)
            Can(authorizer, Alice, AclOperation.Read, "orders");

        // The runtime itself may allocate on this thread now and then (tiered compilation installing call
        // counters); a per-decision allocation would show in every round, at a thousand times its size.
        var fewest = long.MaxValue;
        for (var round = 0; round < 5 && fewest > 0; round++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 1000; i++)
                Can(authorizer, Alice, AclOperation.Read, "orders");
            fewest = Math.Min(fewest, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.Equal(0, fewest);
    }

    [Fact]
    public async Task ADecisionRacingAnUpdateNeverLeavesAStaleAnswerForTheNewAcls()
    {
        // Version n allows exactly when n is even. Readers keep deciding (and caching) against whatever snapshot
        // they read; if one could cache an old snapshot's answer where the new snapshot is read, the check
        // right after an update would see it.
        var allow = AllowTopic("User:alice", AclOperation.Read, "orders");
        var deny = DenyTopic("User:alice", AclOperation.Read, "orders");
        var authorizer = Authorizer(allow);
        using var done = new CancellationTokenSource();
        using var started = new CountdownEvent(2);

        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            Can(authorizer, Alice, AclOperation.Read, "orders");
            started.Signal();
            while (!done.IsCancellationRequested)
                Can(authorizer, Alice, AclOperation.Read, "orders");
        })).ToArray();
        Assert.True(started.Wait(TimeSpan.FromSeconds(30)), "the readers did not start");
        for (var version = 2; version < 2_000; version++)
        {
            authorizer.Update([version % 2 == 0 ? allow : deny], version);
            Assert.Equal(version % 2 == 0, Can(authorizer, Alice, AclOperation.Read, "orders"));
        }
        await done.CancelAsync();

        // A reader that threw (a torn snapshot) fails here.
        await Task.WhenAll(readers);
    }

    [Fact]
    public void QuestionsAboutAnyOrUnknownAreRefused()
    {
        var authorizer = Authorizer();

        Assert.Throws<ArgumentOutOfRangeException>(() => authorizer.Authorize(Alice, ClientHost, AclOperation.Any, ResourceType.Topic, "t"));
        Assert.Throws<ArgumentOutOfRangeException>(() => authorizer.Authorize(Alice, ClientHost, AclOperation.Read, ResourceType.Any, "t"));
        Assert.Throws<ArgumentOutOfRangeException>(() => authorizer.AuthorizeAny(Alice, ClientHost, AclOperation.Unknown, ResourceType.Topic));
    }
}
