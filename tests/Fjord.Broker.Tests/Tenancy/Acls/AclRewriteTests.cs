using Fjord.Broker.Tenancy.Acls;
using Fjord.Protocol;
using Fjord.Security.Authorization;
using Fjord.Security.Tenancy;
using static Fjord.Broker.Tests.Tenancy.TenantTesting;

namespace Fjord.Broker.Tests.Tenancy.Acls;

/// <summary>The ACL and SCRAM APIs' rewrites on request and response objects.</summary>
public sealed class AclRewriteTests
{
    private static readonly TenantScope Acme = Scope("acme");

    private static CreateAclsRequest.AclCreation Creation(ResourceType type, string name, PatternType pattern, string principal) => new()
    {
        ResourceType = (sbyte)type,
        ResourceName = name,
        ResourcePatternType = (sbyte)pattern,
        Principal = principal,
        Host = "*",
        Operation = (sbyte)AclOperation.Read,
        PermissionType = (sbyte)AclPermissionType.Allow,
    };

    [Fact]
    public void CreationsAreStoredAndOperatorOnlyOnesAreRefusedInTheirPlace()
    {
        var request = new CreateAclsRequest
        {
            Creations =
            [
                Creation(ResourceType.User, "bob", PatternType.Literal, "User:bob"),
                Creation(ResourceType.Topic, "*", PatternType.Literal, "User:*"),
                Creation(ResourceType.DelegationToken, "t", PatternType.Literal, "User:bob"),
                Creation(ResourceType.Group, "billing", PatternType.Prefixed, "User:bob"),
            ],
        };
        var context = Context(ApiKey.CreateAcls, 3, Acme);
        Assert.Null(CreateAclsRewrite.Instance.ToStored(Acme, context, request));
        Assert.Equal(2, request.Creations.Count);
        Assert.Equal(("acme.", (sbyte)PatternType.Prefixed, "User:acme.*"),
            (request.Creations[0].ResourceName, request.Creations[0].ResourcePatternType, request.Creations[0].Principal));
        Assert.Equal(("acme.billing", (sbyte)PatternType.Prefixed, "User:acme.bob"),
            (request.Creations[1].ResourceName, request.Creations[1].ResourcePatternType, request.Creations[1].Principal));

        var response = new CreateAclsResponse
        {
            Results = [new() { ErrorCode = 0 }, new() { ErrorCode = (short)ErrorCode.InvalidRequest, ErrorMessage = "bad name acme.billing" }],
        };
        CreateAclsRewrite.Instance.ToClient(Acme, context, request, response);
        Assert.Equal(
            [ErrorCode.InvalidRequest, ErrorCode.None, ErrorCode.InvalidRequest, ErrorCode.InvalidRequest],
            response.Results.Select(r => (ErrorCode)r.ErrorCode));
        Assert.Contains("USER", response.Results[0].ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("DELEGATIONTOKEN", response.Results[2].ErrorMessage, StringComparison.Ordinal);
        Assert.Equal("bad name billing", response.Results[3].ErrorMessage);
    }

    [Fact]
    public void ADescribeFilterOnUsersIsRefusedAndOthersAreStored()
    {
        var users = new DescribeAclsRequest { ResourceTypeFilter = (sbyte)ResourceType.User, PatternTypeFilter = (sbyte)PatternType.Any };
        var refused = DescribeAclsRewrite.Instance.ToStored(Acme, Context(ApiKey.DescribeAcls, 3, Acme), users);
        Assert.Equal((short)ErrorCode.InvalidRequest, refused?.ErrorCode);

        var topics = new DescribeAclsRequest
        {
            ResourceTypeFilter = (sbyte)ResourceType.Topic,
            ResourceNameFilter = "*",
            PatternTypeFilter = (sbyte)PatternType.Literal,
            PrincipalFilter = "User:bob",
        };
        Assert.Null(DescribeAclsRewrite.Instance.ToStored(Acme, Context(ApiKey.DescribeAcls, 3, Acme), topics));
        Assert.Equal(("acme.", (sbyte)PatternType.Prefixed, "User:acme.bob"), (topics.ResourceNameFilter, topics.PatternTypeFilter, topics.PrincipalFilter));
    }

    [Fact]
    public void DescribedAclsComeBackInTheTenantsNamesAndForeignOnesAreDropped()
    {
        var request = new DescribeAclsRequest { ResourceTypeFilter = (sbyte)ResourceType.Any, PatternTypeFilter = (sbyte)PatternType.Any };
        var context = Context(ApiKey.DescribeAcls, 3, Acme);
        var response = new DescribeAclsResponse
        {
            Resources =
            [
                new() { ResourceType = (sbyte)ResourceType.Topic, ResourceName = "acme.", PatternType = (sbyte)PatternType.Prefixed, Acls = [new() { Principal = "User:acme.*" }] },
                new() { ResourceType = (sbyte)ResourceType.Topic, ResourceName = "*", PatternType = (sbyte)PatternType.Literal, Acls = [new() { Principal = "User:acme.bob" }] },
                new()
                {
                    ResourceType = (sbyte)ResourceType.Group, ResourceName = "acme.billing", PatternType = (sbyte)PatternType.Literal,
                    Acls = [new() { Principal = "User:ops" }, new() { Principal = "User:acme.bob" }],
                },
            ],
        };
        DescribeAclsRewrite.Instance.ToClient(Acme, context, request, response);
        Assert.Equal(2, response.Resources.Count);
        Assert.Equal(("*", (sbyte)PatternType.Literal, "User:*"), (response.Resources[0].ResourceName, response.Resources[0].PatternType, response.Resources[0].Acls[0].Principal));
        Assert.Equal(("billing", "User:bob"), (response.Resources[1].ResourceName, Assert.Single(response.Resources[1].Acls).Principal));
    }

    [Fact]
    public void DeleteFiltersAreStoredAndOperatorOnlyOnesAreRefusedInTheirPlace()
    {
        var request = new DeleteAclsRequest
        {
            Filters =
            [
                new() { ResourceTypeFilter = (sbyte)ResourceType.Any, ResourceNameFilter = null, PatternTypeFilter = (sbyte)PatternType.Any, PrincipalFilter = null },
                new() { ResourceTypeFilter = (sbyte)ResourceType.User, PatternTypeFilter = (sbyte)PatternType.Any },
                new() { ResourceTypeFilter = (sbyte)ResourceType.Topic, ResourceNameFilter = "orders", PatternTypeFilter = (sbyte)PatternType.Match, PrincipalFilter = "User:*" },
            ],
        };
        var context = Context(ApiKey.DeleteAcls, 3, Acme);
        Assert.Null(DeleteAclsRewrite.Instance.ToStored(Acme, context, request));
        Assert.Equal(2, request.Filters.Count);
        Assert.Null(request.Filters[0].ResourceNameFilter);
        Assert.Equal(("acme.orders", "User:acme.*"), (request.Filters[1].ResourceNameFilter, request.Filters[1].PrincipalFilter));

        var response = new DeleteAclsResponse
        {
            FilterResults =
            [
                new()
                {
                    MatchingAcls =
                    [
                        new() { ResourceType = (sbyte)ResourceType.Topic, ResourceName = "acme.", PatternType = (sbyte)PatternType.Prefixed, Principal = "User:acme.*" },
                        new() { ResourceType = (sbyte)ResourceType.Topic, ResourceName = "globex.x", PatternType = (sbyte)PatternType.Literal, Principal = "User:globex.*" },
                    ],
                },
                new(),
            ],
        };
        DeleteAclsRewrite.Instance.ToClient(Acme, context, request, response);
        Assert.Equal([ErrorCode.None, ErrorCode.InvalidRequest, ErrorCode.None], response.FilterResults.Select(r => (ErrorCode)r.ErrorCode));
        var deleted = Assert.Single(response.FilterResults[0].MatchingAcls);
        Assert.Equal(("*", (sbyte)PatternType.Literal, "User:*"), (deleted.ResourceName, deleted.PatternType, deleted.Principal));
    }

    [Fact]
    public void ScramUserNamesAreStoredAndOnlyTheTenantsComeBack()
    {
        var all = new DescribeUserScramCredentialsRequest { Users = [] };
        var context = Context(ApiKey.DescribeUserScramCredentials, 0, Acme);
        DescribeUserScramCredentialsRewrite.Instance.ToStored(Acme, context, all);
        Assert.Null(all.Users);
        var listing = new DescribeUserScramCredentialsResponse
        {
            Results = [new() { User = "acme.bob" }, new() { User = "bob" }, new() { User = "globex.bob" }, new() { User = "" }],
        };
        DescribeUserScramCredentialsRewrite.Instance.ToClient(Acme, context, all, listing);
        Assert.Equal("bob", Assert.Single(listing.Results).User);

        var named = new DescribeUserScramCredentialsRequest { Users = [new() { Name = "bob" }] };
        DescribeUserScramCredentialsRewrite.Instance.ToStored(Acme, context, named);
        Assert.Equal("acme.bob", Assert.Single(named.Users!).Name);
        var missing = new DescribeUserScramCredentialsResponse
        {
            Results = [new() { User = "acme.bob", ErrorCode = (short)ErrorCode.ResourceNotFound, ErrorMessage = "user acme.bob has no SCRAM credential" }],
        };
        DescribeUserScramCredentialsRewrite.Instance.ToClient(Acme, context, named, missing);
        Assert.Equal(("bob", "user bob has no SCRAM credential"), (missing.Results[0].User, missing.Results[0].ErrorMessage));

        var alter = new AlterUserScramCredentialsRequest { Deletions = [new() { Name = "bob" }], Upsertions = [new() { Name = "carol" }] };
        var alterContext = Context(ApiKey.AlterUserScramCredentials, 0, Acme);
        AlterUserScramCredentialsRewrite.Instance.ToStored(Acme, alterContext, alter);
        Assert.Equal(("acme.bob", "acme.carol"), (alter.Deletions[0].Name, alter.Upsertions[0].Name));
        var altered = new AlterUserScramCredentialsResponse
        {
            Results = [new() { User = "acme.bob", ErrorCode = (short)ErrorCode.ResourceNotFound, ErrorMessage = "user acme.bob has no SCRAM-SHA-256 credential to delete" }, new() { User = "acme.carol" }],
        };
        AlterUserScramCredentialsRewrite.Instance.ToClient(Acme, alterContext, alter, altered);
        Assert.Equal(["bob", "carol"], altered.Results.Select(r => r.User));
        Assert.Equal("user bob has no SCRAM-SHA-256 credential to delete", altered.Results[0].ErrorMessage);
    }
}
