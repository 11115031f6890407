using Fjord.Broker.Handlers.Acls;
using Fjord.Broker.Handlers.Security;
using Fjord.Broker.Network;
using Fjord.Broker.Tenancy;
using Fjord.Protocol;
using Fjord.Security.Authorization;
using Fjord.Security.Credentials;
using Fjord.Security.Principals;
using Fjord.Security.Tenancy;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using static Fjord.Broker.Tests.Acls.AclWireBuilders;
using static Fjord.Broker.Tests.Tenancy.TenantTesting;

namespace Fjord.Broker.Tests.Tenancy.Acls;

/// <summary>
/// The ACL and SCRAM handlers with their tenant rewrites attached, called by two tenants' admins and the operator over
/// one store: each tenant writes, sees and deletes its own ACLs and users only, in its own names.
/// </summary>
public sealed class TenantAclHandlerTests : IAsyncLifetime
{
    private static readonly TenantScope Acme = Scope("acme");
    private static readonly TenantScope Globex = Scope("globex");

    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(1));
    private readonly InMemoryAclStore _acls = new();
    private readonly InMemoryScramCredentialStore _users = new();
    private readonly AclAuthorizer _authorizer = new(new AuthorizerOptions
    {
        // The tenants' admins are given everything on the broker's side; what they reach is the rewrites' doing.
        SuperUsers = AuthorizerOptions.ParseSuperUsers("User:admin;User:acme.admin;User:globex.admin"),
    });
    private AclCache _aclCache = null!;
    private ScramCredentialCache _userCache = null!;
    private Dictionary<ApiKey, ApiHandler> _handlers = null!;

    private CancellationToken Ct => _timeout.Token;

    public async Task InitializeAsync()
    {
        // Fake time nobody advances: only the handlers' refreshes move the caches.
        _aclCache = new AclCache(_acls, _authorizer, AclCache.DefaultPollInterval, new FakeTimeProvider(), NullLogger.Instance);
        await _aclCache.StartAsync(Ct);
        _userCache = new ScramCredentialCache(_users, TimeSpan.FromMinutes(1), new FakeTimeProvider(), NullLogger.Instance);
        await _userCache.StartAsync(Ct);
        List<ApiHandler> handlers =
        [
            new CreateAclsHandler(_acls, _aclCache, _authorizer),
            new DescribeAclsHandler(_acls, _authorizer),
            new DeleteAclsHandler(_acls, _aclCache, _authorizer),
            new DescribeUserScramCredentialsHandler(_users, _authorizer),
            new AlterUserScramCredentialsHandler(_users, _userCache, _authorizer),
        ];
        // These rewrites consult no metadata.
        TenantRewrites.Attach(handlers, new TenantRewriteServices(Metadata: null!));
        _handlers = handlers.ToDictionary(h => h.ApiKey);
    }

    public async Task DisposeAsync()
    {
        await _userCache.DisposeAsync();
        await _aclCache.DisposeAsync();
        _timeout.Dispose();
    }

    private Task<TResponse> CallAsync<TResponse>(TenantScope? tenant, IKafkaMessage request, short version = 3)
        where TResponse : IKafkaMessage, new() =>
        TenantTesting.CallAsync<TResponse>(_handlers[request.ApiKey], request, version, Session(tenant), Ct);

    private static AclBinding Acl(ResourceType type, string name, PatternType pattern, string principal, AclOperation operation = AclOperation.Read) =>
        new(new ResourcePattern(type, name, pattern), new AccessControlEntry(principal, "*", operation, AclPermissionType.Allow));

    private static readonly AclBinding OperatorsWildcard = Acl(ResourceType.Topic, "*", PatternType.Literal, "User:*");
    private static readonly AclBinding OperatorsGrantToAcme = Acl(ResourceType.Topic, "*", PatternType.Literal, "User:acme.bob");
    private static readonly AclBinding OperatorsOnAcmeTopic = Acl(ResourceType.Topic, "acme.orders", PatternType.Literal, "User:ops");
    private static readonly AclBinding OperatorsUserAcl = Acl(ResourceType.User, "acme.bob", PatternType.Literal, "User:acme.admin", AclOperation.Describe);
    private static readonly AclBinding OperatorsCluster = Acl(ResourceType.Cluster, "kafka-cluster", PatternType.Literal, "User:acme.bob", AclOperation.Describe);

    private async Task SeedOperatorAclsAsync()
    {
        await _acls.CreateAsync([OperatorsWildcard, OperatorsGrantToAcme, OperatorsOnAcmeTopic, OperatorsUserAcl, OperatorsCluster], Ct);
        await _aclCache.RefreshAsync(Ct);
    }

    private static CreateAclsRequest.AclCreation Creating(ResourceType type, string name, PatternType pattern, string principal, AclOperation operation = AclOperation.Read) =>
        Creation(Acl(type, name, pattern, principal, operation));

    private static DescribeAclsRequest DescribeEverything() => Describe(AclBindingFilter.Any);

    private static HashSet<AclBinding> Described(DescribeAclsResponse response)
    {
        Assert.Equal((short)ErrorCode.None, response.ErrorCode);
        return [.. response.Resources.SelectMany(r => r.Acls.Select(a => FromDescription(r, a, 3)))];
    }

    [Fact]
    public async Task ATenantsWildcardAclsAreStoredInItsNamespaceAndReadBackAsWritten()
    {
        var created = await CallAsync<CreateAclsResponse>(Acme, new CreateAclsRequest
        {
            Creations =
            [
                Creating(ResourceType.Topic, "*", PatternType.Literal, "User:*"),
                Creating(ResourceType.Group, "billing", PatternType.Literal, "User:bob"),
                Creating(ResourceType.Cluster, "kafka-cluster", PatternType.Literal, "User:bob", AclOperation.Describe),
                Creating(ResourceType.User, "bob", PatternType.Literal, "User:bob"),
                Creating(ResourceType.Cluster, "other-cluster", PatternType.Literal, "User:bob"),
            ],
        });

        Assert.Equal(
            [ErrorCode.None, ErrorCode.None, ErrorCode.None, ErrorCode.InvalidRequest, ErrorCode.InvalidRequest],
            created.Results.Select(r => (ErrorCode)r.ErrorCode));
        Assert.Equal("The only valid name for the CLUSTER resource is kafka-cluster.", created.Results[4].ErrorMessage);
        Assert.Equal(
            new HashSet<AclBinding>
            {
                Acl(ResourceType.Topic, "acme.", PatternType.Prefixed, "User:acme.*"),
                Acl(ResourceType.Group, "acme.billing", PatternType.Literal, "User:acme.bob"),
                Acl(ResourceType.Cluster, "acme.kafka-cluster", PatternType.Literal, "User:acme.bob", AclOperation.Describe),
            },
            (await _acls.LoadAsync(Ct)).Acls.ToHashSet());

        // What it means to the authorizer: every principal of acme may read every topic of acme, and nothing else.
        var carol = KafkaPrincipal.User("acme.carol") with { TenantId = "acme" };
        Assert.True(_authorizer.Authorize(carol, System.Net.IPAddress.Loopback, AclOperation.Read, ResourceType.Topic, "acme.orders"));
        Assert.False(_authorizer.Authorize(carol, System.Net.IPAddress.Loopback, AclOperation.Read, ResourceType.Topic, "globex.orders"));
        var dave = KafkaPrincipal.User("globex.dave") with { TenantId = "globex" };
        Assert.False(_authorizer.Authorize(dave, System.Net.IPAddress.Loopback, AclOperation.Read, ResourceType.Topic, "acme.orders"));

        Assert.Equal(
            new HashSet<AclBinding>
            {
                Acl(ResourceType.Topic, "*", PatternType.Literal, "User:*"),
                Acl(ResourceType.Group, "billing", PatternType.Literal, "User:bob"),
                Acl(ResourceType.Cluster, "kafka-cluster", PatternType.Literal, "User:bob", AclOperation.Describe),
            },
            Described(await CallAsync<DescribeAclsResponse>(Acme, DescribeEverything())));
    }

    [Fact]
    public async Task ATenantDescribesItsOwnAclsOnlyWhateverTheFilter()
    {
        await SeedOperatorAclsAsync();
        await CallAsync<CreateAclsResponse>(Acme, new CreateAclsRequest
        {
            Creations = [Creating(ResourceType.Topic, "*", PatternType.Literal, "User:*"), Creating(ResourceType.Topic, "ord", PatternType.Prefixed, "User:bob")],
        });
        await CallAsync<CreateAclsResponse>(Globex, new CreateAclsRequest
        {
            Creations = [Creating(ResourceType.Topic, "*", PatternType.Literal, "User:*"), Creating(ResourceType.Topic, "orders", PatternType.Literal, "User:bob")],
        });
        var acmeWildcard = Acl(ResourceType.Topic, "*", PatternType.Literal, "User:*");
        var acmePrefix = Acl(ResourceType.Topic, "ord", PatternType.Prefixed, "User:bob");

        Assert.Equal(new HashSet<AclBinding> { acmeWildcard, acmePrefix }, Described(await CallAsync<DescribeAclsResponse>(Acme, DescribeEverything())));
        // v0 knows LITERAL patterns only: the tenant's wildcard is one to it, stored PREFIXED as it is.
        Assert.Equal(new HashSet<AclBinding> { acmeWildcard }, Described(await CallAsync<DescribeAclsResponse>(Acme, DescribeEverything(), 0)));
        var matchOrders = Describe(AclBindingFilter.Any with { ResourceType = ResourceType.Topic, ResourceName = "orders", PatternType = PatternType.Match });
        Assert.Equal(new HashSet<AclBinding> { acmeWildcard, acmePrefix }, Described(await CallAsync<DescribeAclsResponse>(Acme, matchOrders)));
        var byPrincipal = Describe(AclBindingFilter.Any with { Principal = "User:bob" });
        Assert.Equal(new HashSet<AclBinding> { acmePrefix }, Described(await CallAsync<DescribeAclsResponse>(Acme, byPrincipal)));

        Assert.Equal(
            new HashSet<AclBinding> { acmeWildcard, Acl(ResourceType.Topic, "orders", PatternType.Literal, "User:bob") },
            Described(await CallAsync<DescribeAclsResponse>(Globex, DescribeEverything())));

        var users = await CallAsync<DescribeAclsResponse>(Acme, Describe(AclBindingFilter.Any with { ResourceType = ResourceType.User }));
        Assert.Equal((short)ErrorCode.InvalidRequest, users.ErrorCode);
        Assert.Empty(users.Resources);

        // The operator still sees everything, stored names and all.
        Assert.Equal(9, Described(await CallAsync<DescribeAclsResponse>(null, DescribeEverything())).Count);
    }

    [Fact]
    public async Task AMatchEverythingDeleteFromATenantDeletesItsOwnAclsOnly()
    {
        await SeedOperatorAclsAsync();
        await CallAsync<CreateAclsResponse>(Acme, new CreateAclsRequest
        {
            Creations = [Creating(ResourceType.Topic, "*", PatternType.Literal, "User:*"), Creating(ResourceType.Group, "billing", PatternType.Literal, "User:bob")],
        });
        await CallAsync<CreateAclsResponse>(Globex, new CreateAclsRequest { Creations = [Creating(ResourceType.Topic, "*", PatternType.Literal, "User:*")] });
        var before = (await _acls.LoadAsync(Ct)).Acls.ToHashSet();

        var deleted = await CallAsync<DeleteAclsResponse>(Acme, new DeleteAclsRequest
        {
            Filters = [DeleteFilter(AclBindingFilter.Any), DeleteFilter(AclBindingFilter.Any with { ResourceType = ResourceType.User })],
        });

        Assert.Equal([ErrorCode.None, ErrorCode.InvalidRequest], deleted.FilterResults.Select(r => (ErrorCode)r.ErrorCode));
        Assert.Equal(
            new HashSet<AclBinding> { Acl(ResourceType.Topic, "*", PatternType.Literal, "User:*"), Acl(ResourceType.Group, "billing", PatternType.Literal, "User:bob") },
            deleted.FilterResults[0].MatchingAcls.Select(a => FromMatching(a, 3)).ToHashSet());
        before.ExceptWith([Acl(ResourceType.Topic, "acme.", PatternType.Prefixed, "User:acme.*"), Acl(ResourceType.Group, "acme.billing", PatternType.Literal, "User:acme.bob")]);
        Assert.Equal(before, (await _acls.LoadAsync(Ct)).Acls.ToHashSet());
        Assert.Contains(OperatorsWildcard, before);
        Assert.Contains(Acl(ResourceType.Topic, "globex.", PatternType.Prefixed, "User:globex.*"), before);
        Assert.False(_authorizer.Authorize(KafkaPrincipal.User("acme.carol") with { TenantId = "acme" }, System.Net.IPAddress.Loopback,
            AclOperation.Read, ResourceType.Topic, "acme.orders"));
    }

    private static AlterUserScramCredentialsRequest.ScramCredentialUpsertion Upsertion(string user) => new()
    {
        Name = user,
        Mechanism = (sbyte)ScramMechanism.ScramSha256,
        Iterations = ScramMechanisms.MinIterations,
        Salt = "salt"u8.ToArray(),
        SaltedPassword = ScramFormatter.SaltedPassword(ScramMechanism.ScramSha256, "secret", "salt"u8, ScramMechanisms.MinIterations),
    };

    [Fact]
    public async Task ATenantUserNamedStarIsRefusedBecauseItWouldBeTheTenantsWildcardAndTheRestGoesAhead()
    {
        var response = await CallAsync<AlterUserScramCredentialsResponse>(Acme, new AlterUserScramCredentialsRequest
        {
            Upsertions = [Upsertion("*"), Upsertion("dave")],
            Deletions = [new() { Name = "*", Mechanism = (sbyte)ScramMechanism.ScramSha256 }],
        }, 0);

        var star = Assert.Single(response.Results, r => r.User == "*");
        Assert.Equal((short)ErrorCode.UnacceptableCredential, star.ErrorCode);
        Assert.Contains("reserved", star.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal((short)ErrorCode.None, Assert.Single(response.Results, r => r.User == "dave").ErrorCode);
        var stored = (await _users.LoadAsync(Ct)).Credentials.Select(c => c.User).ToList();
        Assert.Contains("acme.dave", stored);
        Assert.DoesNotContain("acme.*", stored);
    }

    [Fact]
    public async Task ATenantSeesAndChangesItsOwnScramUsersOnly()
    {
        var operatorSet = await CallAsync<AlterUserScramCredentialsResponse>(null, new AlterUserScramCredentialsRequest { Upsertions = [Upsertion("bob")] }, 0);
        Assert.Equal((short)ErrorCode.None, Assert.Single(operatorSet.Results).ErrorCode);
        var globexSet = await CallAsync<AlterUserScramCredentialsResponse>(Globex, new AlterUserScramCredentialsRequest { Upsertions = [Upsertion("bob")] }, 0);
        Assert.Equal("bob", Assert.Single(globexSet.Results).User);

        var acmeSet = await CallAsync<AlterUserScramCredentialsResponse>(Acme, new AlterUserScramCredentialsRequest { Upsertions = [Upsertion("bob"), Upsertion("carol")] }, 0);
        Assert.Equal(["bob", "carol"], acmeSet.Results.Select(r => r.User).Order());
        Assert.All(acmeSet.Results, r => Assert.Equal((short)ErrorCode.None, r.ErrorCode));
        Assert.Equal(["acme.bob", "acme.carol", "bob", "globex.bob"], (await _users.LoadAsync(Ct)).Credentials.Select(c => c.User).Order());

        foreach (var all in new[] { new DescribeUserScramCredentialsRequest { Users = null }, new DescribeUserScramCredentialsRequest { Users = [] } })
        {
            var described = await CallAsync<DescribeUserScramCredentialsResponse>(Acme, all, 0);
            Assert.Equal(["bob", "carol"], described.Results.Select(r => r.User));
        }
        Assert.Equal(["bob"], (await CallAsync<DescribeUserScramCredentialsResponse>(Globex, new DescribeUserScramCredentialsRequest { Users = null }, 0)).Results.Select(r => r.User));

        var missing = Assert.Single((await CallAsync<DescribeUserScramCredentialsResponse>(Globex,
            new DescribeUserScramCredentialsRequest { Users = [new() { Name = "carol" }] }, 0)).Results);
        Assert.Equal(("carol", (short)ErrorCode.ResourceNotFound, "user carol has no SCRAM credential"), (missing.User, missing.ErrorCode, missing.ErrorMessage));

        var deleted = await CallAsync<AlterUserScramCredentialsResponse>(Globex, new AlterUserScramCredentialsRequest
        {
            Deletions = [new() { Name = "carol", Mechanism = (sbyte)ScramMechanism.ScramSha256 }],
        }, 0);
        var refused = Assert.Single(deleted.Results);
        Assert.Equal(("carol", (short)ErrorCode.ResourceNotFound), (refused.User, refused.ErrorCode));
        Assert.DoesNotContain("globex.", refused.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("acme.carol", (await _users.LoadAsync(Ct)).Credentials.Select(c => c.User));
    }
}
