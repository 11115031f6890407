using Fjord.Protocol;
using Fjord.Security.Authorization;
using Fjord.Security.Principals;
using static Fjord.Broker.Tests.Acls.AclWireBuilders;

namespace Fjord.Broker.Tests.Acls;

/// <summary>CreateAcls, DescribeAcls and DeleteAcls at every version they advertise (0–3), through the generated codecs.</summary>
public sealed class AclHandlerTests : IAsyncLifetime
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(1));
    private AclHandlerScenario _scenario = null!;

    private CancellationToken Ct => _timeout.Token;

    public static TheoryData<short> AllVersions => new() { 0, 1, 2, 3 };

    public static TheoryData<short> PatternVersions => new() { 1, 2, 3 };

    public async Task InitializeAsync() => _scenario = await AclHandlerScenario.StartAsync(Ct);

    public async Task DisposeAsync()
    {
        await _scenario.DisposeAsync();
        _timeout.Dispose();
    }

    private bool AliceMayRead(string topic) =>
        _scenario.Authorizer.Authorize(KafkaPrincipal.User("alice"), AclHandlerScenario.ClientHost, AclOperation.Read, ResourceType.Topic, topic);

    /// <summary>What a v0 filter is: LITERAL, the only pattern type v0 can express (the field is absent on the wire).</summary>
    private static AclBindingFilter AnyFilterAt(short version) => AclBindingFilter.Any with { PatternType = version == 0 ? PatternType.Literal : PatternType.Any };

    [Theory]
    [MemberData(nameof(AllVersions))]
    public async Task CreatedAclsAreEnforcedAtOnceDescribedAndDeleted(short version)
    {
        var read = TopicAcl("User:alice", AclOperation.Read, "orders");
        var write = TopicAcl("User:alice", AclOperation.Write, "orders");

        var created = await _scenario.SendAsync(new CreateAclsRequest { Creations = [Creation(read), Creation(write)] }, version, Ct);

        Assert.All(created.Results, r => Assert.Equal((short)ErrorCode.None, r.ErrorCode));
        Assert.All(created.Results, r => Assert.Null(r.ErrorMessage));
        Assert.Equal(2, created.Results.Count);
        Assert.True(AliceMayRead("orders"));

        var described = await _scenario.SendAsync(Describe(AnyFilterAt(version)), version, Ct);
        Assert.Equal((short)ErrorCode.None, described.ErrorCode);
        var resource = Assert.Single(described.Resources);
        Assert.Equal(new[] { read, write }.ToHashSet(), resource.Acls.Select(a => FromDescription(resource, a, version)).ToHashSet());

        var deleted = await _scenario.SendAsync(new DeleteAclsRequest { Filters = [DeleteFilter(AclBindingFilter.For(read))] }, version, Ct);
        var result = Assert.Single(deleted.FilterResults);
        Assert.Equal((short)ErrorCode.None, result.ErrorCode);
        Assert.Equal(read, FromMatching(Assert.Single(result.MatchingAcls), version));
        Assert.False(AliceMayRead("orders"));
        Assert.Equal([write], (await _scenario.Store.LoadAsync(Ct)).Acls);
    }

    [Theory]
    [MemberData(nameof(PatternVersions))]
    public async Task PrefixedAclsAndMatchFiltersWorkFromVersionOne(short version)
    {
        var prefixed = TopicAcl("User:alice", AclOperation.Read, "ord", PatternType.Prefixed);
        var wildcard = TopicAcl("User:bob", AclOperation.Read, "*");
        var other = TopicAcl("User:bob", AclOperation.Read, "payments");
        await _scenario.SendAsync(new CreateAclsRequest { Creations = [Creation(prefixed), Creation(wildcard), Creation(other)] }, version, Ct);
        Assert.True(AliceMayRead("orders"));

        var matchOrders = AclBindingFilter.Any with { ResourceType = ResourceType.Topic, ResourceName = "orders", PatternType = PatternType.Match };
        var described = await _scenario.SendAsync(Describe(matchOrders), version, Ct);

        Assert.Equal(
            new[] { prefixed, wildcard }.ToHashSet(),
            described.Resources.SelectMany(r => r.Acls.Select(a => FromDescription(r, a, version))).ToHashSet());

        var deleted = await _scenario.SendAsync(new DeleteAclsRequest { Filters = [DeleteFilter(matchOrders)] }, version, Ct);
        Assert.Equal(2, Assert.Single(deleted.FilterResults).MatchingAcls.Count);
        Assert.Equal([other], (await _scenario.Store.LoadAsync(Ct)).Acls);
    }

    [Fact]
    public async Task VersionZeroCreatesLiteralAclsAndItsFiltersSeeOnlyLiteralOnes()
    {
        await _scenario.Store.CreateAsync([TopicAcl("User:alice", AclOperation.Read, "ord", PatternType.Prefixed)], Ct);
        var literal = TopicAcl("User:alice", AclOperation.Read, "orders");

        await _scenario.SendAsync(new CreateAclsRequest { Creations = [Creation(literal)] }, 0, Ct);
        var described = await _scenario.SendAsync(Describe(AnyFilterAt(0)), 0, Ct);

        Assert.Contains(literal, (await _scenario.Store.LoadAsync(Ct)).Acls);
        var resource = Assert.Single(described.Resources);
        Assert.Equal(literal, FromDescription(resource, Assert.Single(resource.Acls), 0));
    }

    [Theory]
    [MemberData(nameof(AllVersions))]
    public async Task InvalidCreationsAreRefusedOneByOneAndTheValidOnesStored(short version)
    {
        var valid = TopicAcl("User:alice", AclOperation.Read, "orders");
        var creations = new[]
        {
            Creation(valid),
            Creation(TopicAcl("User:alice", AclOperation.Read, "")),
            Creation(TopicAcl("alice", AclOperation.Read, "orders")),
            Tweak(Creation(valid), c => c.ResourceType = 99),
            Tweak(Creation(valid), c => c.Operation = (sbyte)AclOperation.Any),
            Tweak(Creation(valid), c => c.PermissionType = (sbyte)AclPermissionType.Unknown),
            Tweak(Creation(valid), c => c.Host = "broker.example.com"),
            Tweak(Creation(ClusterAcl("User:alice", AclOperation.Alter)), c => c.ResourceName = "my-cluster"),
        };

        var response = await _scenario.SendAsync(new CreateAclsRequest { Creations = [.. creations] }, version, Ct);

        Assert.Equal(creations.Length, response.Results.Count);
        Assert.Equal((short)ErrorCode.None, response.Results[0].ErrorCode);
        foreach (var result in response.Results.Skip(1))
        {
            Assert.Equal((short)ErrorCode.InvalidRequest, result.ErrorCode);
            Assert.False(string.IsNullOrEmpty(result.ErrorMessage));
        }
        Assert.Equal([valid], (await _scenario.Store.LoadAsync(Ct)).Acls);
    }

    [Theory]
    [MemberData(nameof(PatternVersions))]
    public async Task CreatingWithAFilterOnlyPatternTypeIsInvalid(short version)
    {
        var match = Tweak(Creation(TopicAcl("User:alice", AclOperation.Read, "orders")), c => c.ResourcePatternType = (sbyte)PatternType.Match);

        var response = await _scenario.SendAsync(new CreateAclsRequest { Creations = [match] }, version, Ct);

        Assert.Equal((short)ErrorCode.InvalidRequest, Assert.Single(response.Results).ErrorCode);
        Assert.Empty((await _scenario.Store.LoadAsync(Ct)).Acls);
    }

    [Theory]
    [MemberData(nameof(AllVersions))]
    public async Task AnInvalidDescribeFilterIsRefused(short version)
    {
        var response = await _scenario.SendAsync(Describe(AnyFilterAt(version) with { ResourceType = ResourceType.Unknown }), version, Ct);

        Assert.Equal((short)ErrorCode.InvalidRequest, response.ErrorCode);
        Assert.False(string.IsNullOrEmpty(response.ErrorMessage));
        Assert.Empty(response.Resources);
    }

    [Theory]
    [MemberData(nameof(AllVersions))]
    public async Task AnInvalidDeleteFilterIsRefusedWhileTheOthersDelete(short version)
    {
        var acl = TopicAcl("User:alice", AclOperation.Read, "orders");
        await _scenario.Store.CreateAsync([acl], Ct);
        await _scenario.Cache.RefreshAsync(Ct);

        var response = await _scenario.SendAsync(new DeleteAclsRequest
        {
            Filters = [DeleteFilter(AnyFilterAt(version) with { Operation = (AclOperation)42 }), DeleteFilter(AclBindingFilter.For(acl))],
        }, version, Ct);

        Assert.Equal((short)ErrorCode.InvalidRequest, response.FilterResults[0].ErrorCode);
        Assert.False(string.IsNullOrEmpty(response.FilterResults[0].ErrorMessage));
        Assert.Equal((short)ErrorCode.None, response.FilterResults[1].ErrorCode);
        Assert.Single(response.FilterResults[1].MatchingAcls);
        Assert.False(AliceMayRead("orders"));
    }

    [Theory]
    [MemberData(nameof(AllVersions))]
    public async Task WithoutAlterOnTheClusterNothingIsCreatedOrDeleted(short version)
    {
        var acl = TopicAcl("User:alice", AclOperation.Read, "orders");
        await _scenario.Store.CreateAsync([acl, ClusterAcl("User:ops", AclOperation.Describe)], Ct);
        await _scenario.Cache.RefreshAsync(Ct);
        _scenario.Caller = KafkaPrincipal.User("ops");

        var created = await _scenario.SendAsync(new CreateAclsRequest { Creations = [Creation(TopicAcl("User:ops", AclOperation.All, "*"))] }, version, Ct);
        var deleted = await _scenario.SendAsync(new DeleteAclsRequest { Filters = [DeleteFilter(AnyFilterAt(version))] }, version, Ct);

        Assert.Equal((short)ErrorCode.ClusterAuthorizationFailed, Assert.Single(created.Results).ErrorCode);
        Assert.Equal((short)ErrorCode.ClusterAuthorizationFailed, Assert.Single(deleted.FilterResults).ErrorCode);
        Assert.Empty(deleted.FilterResults[0].MatchingAcls);
        Assert.Equal(2, (await _scenario.Store.LoadAsync(Ct)).Acls.Count);
    }

    [Theory]
    [MemberData(nameof(AllVersions))]
    public async Task DescribeNeedsDescribeOnTheCluster(short version)
    {
        await _scenario.Store.CreateAsync([ClusterAcl("User:ops", AclOperation.Describe), ClusterAcl("User:operator", AclOperation.Alter)], Ct);
        await _scenario.Cache.RefreshAsync(Ct);

        _scenario.Caller = KafkaPrincipal.User("alice");
        var denied = await _scenario.SendAsync(Describe(AnyFilterAt(version)), version, Ct);
        _scenario.Caller = KafkaPrincipal.User("ops");
        var allowed = await _scenario.SendAsync(Describe(AnyFilterAt(version)), version, Ct);
        // Alter implies Describe, as everywhere in Kafka's ACLs.
        _scenario.Caller = KafkaPrincipal.User("operator");
        var implied = await _scenario.SendAsync(Describe(AnyFilterAt(version)), version, Ct);

        Assert.Equal((short)ErrorCode.ClusterAuthorizationFailed, denied.ErrorCode);
        Assert.Empty(denied.Resources);
        Assert.Equal((short)ErrorCode.None, allowed.ErrorCode);
        Assert.Equal(2, Assert.Single(allowed.Resources).Acls.Count);
        Assert.Equal((short)ErrorCode.None, implied.ErrorCode);
    }

    [Theory]
    [MemberData(nameof(AllVersions))]
    public async Task AClusterAlterAclLetsANonSuperUserManageAcls(short version)
    {
        await _scenario.Store.CreateAsync([ClusterAcl("User:operator", AclOperation.Alter)], Ct);
        await _scenario.Cache.RefreshAsync(Ct);
        _scenario.Caller = KafkaPrincipal.User("operator");

        var created = await _scenario.SendAsync(new CreateAclsRequest { Creations = [Creation(TopicAcl("User:alice", AclOperation.Read, "orders"))] }, version, Ct);

        Assert.Equal((short)ErrorCode.None, Assert.Single(created.Results).ErrorCode);
        Assert.True(AliceMayRead("orders"));
    }

    [Theory]
    [MemberData(nameof(AllVersions))]
    public async Task DescribeGroupsAclsByResourceInAStableOrder(short version)
    {
        await _scenario.SendAsync(new CreateAclsRequest
        {
            Creations =
            [
                Creation(TopicAcl("User:bob", AclOperation.Write, "b")),
                Creation(TopicAcl("User:alice", AclOperation.Read, "a")),
                Creation(TopicAcl("User:alice", AclOperation.Write, "b")),
                Creation(ClusterAcl("User:ops", AclOperation.Describe)),
            ],
        }, version, Ct);

        var described = await _scenario.SendAsync(Describe(AnyFilterAt(version)), version, Ct);

        Assert.Equal(["a", "b", "kafka-cluster"], described.Resources.Select(r => r.ResourceName));
        Assert.Equal(["User:alice", "User:bob"], described.Resources[1].Acls.Select(a => a.Principal));
    }
}
