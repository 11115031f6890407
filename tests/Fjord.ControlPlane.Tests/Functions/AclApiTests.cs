using System.Net;
using Fjord.ControlPlane.Tenants;
using Fjord.Security.Authorization;

namespace Fjord.ControlPlane.Tests.Functions;

/// <summary>
/// A tenant's ACLs through <c>/api/v1/tenants/{tenant}/acls</c>: written in the tenant's names, stored exactly as the
/// brokers' tenant rewrite stores them, read back in the tenant's names; bad input writes nothing.
/// </summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class AclApiTests(ControlPlaneFixture plane)
{
    private static string NewId() => "a" + Guid.NewGuid().ToString("N")[..10];

    private async Task<string> TenantAsync()
    {
        var id = NewId();
        using var client = plane.Client(plane.OperatorKey);
        (await ApiCall.SendAsync(client, HttpMethod.Put, $"/api/v1/tenants/{id}", "{}")).AssertStatus(HttpStatusCode.Created);
        return id;
    }

    private async Task<List<AclBinding>> StoredAsync(string tenant) =>
        [.. (await plane.Acls.LoadAsync(CancellationToken.None)).Acls.Where(b => b.Pattern.Name.StartsWith(tenant + ".", StringComparison.Ordinal))
            .Except(TenantAdministration.AdminAcls(tenant))];

    private static AclBinding Stored(ResourceType type, string name, PatternType pattern, string principal, AclOperation operation,
        AclPermissionType permission = AclPermissionType.Allow) =>
        new(new ResourcePattern(type, name, pattern), new AccessControlEntry(principal, "*", operation, permission));

    [Fact]
    public async Task BindingsAreStoredInTheTenantsNamespaceAsTheBrokersRewriteStoresThem()
    {
        var tenant = await TenantAsync();
        using var client = plane.Client(plane.OperatorKey);
        const string Batch = """
            {"bindings": [
              {"resourceType": "Topic", "resourceName": "orders", "principal": "User:bob", "operation": "Write"},
              {"resourceType": "TOPIC", "resourceName": "*", "patternType": "LITERAL", "principal": "User:*", "operation": "describe"},
              {"resourceType": "Group", "resourceName": "bill", "patternType": "Prefixed", "principal": "User:bob", "operation": "Read", "permission": "Deny"},
              {"resourceType": "Cluster", "resourceName": "kafka-cluster", "principal": "User:bob", "operation": "IdempotentWrite"},
              {"resourceType": "transactional_id", "resourceName": "tx", "principal": "User:bob", "host": "10.0.0.1", "operation": "Write"}
            ]}
            """;

        var created = await ApiCall.SendAsync(client, HttpMethod.Post, $"/api/v1/tenants/{tenant}/acls", Batch);

        created.AssertStatus(HttpStatusCode.OK);
        Assert.All(created.Json.GetProperty("items").EnumerateArray(), b => Assert.True(b.GetProperty("created").GetBoolean()));
        var expected = new[]
        {
            Stored(ResourceType.Topic, $"{tenant}.orders", PatternType.Literal, $"User:{tenant}.bob", AclOperation.Write),
            Stored(ResourceType.Topic, $"{tenant}.", PatternType.Prefixed, $"User:{tenant}.*", AclOperation.Describe),
            Stored(ResourceType.Group, $"{tenant}.bill", PatternType.Prefixed, $"User:{tenant}.bob", AclOperation.Read, AclPermissionType.Deny),
            Stored(ResourceType.Cluster, $"{tenant}.kafka-cluster", PatternType.Literal, $"User:{tenant}.bob", AclOperation.IdempotentWrite),
            new AclBinding(new ResourcePattern(ResourceType.TransactionalId, $"{tenant}.tx", PatternType.Literal),
                new AccessControlEntry($"User:{tenant}.bob", "10.0.0.1", AclOperation.Write, AclPermissionType.Allow)),
        };
        var stored = await StoredAsync(tenant);
        Assert.True(expected.ToHashSet().SetEquals(stored) && stored.Count == expected.Length, "stored: " + string.Join("; ", stored));

        var listed = await ApiCall.SendAsync(client, HttpMethod.Get, $"/api/v1/tenants/{tenant}/acls?resourceType=Topic");
        listed.AssertStatus(HttpStatusCode.OK);
        var topics = listed.Json.GetProperty("items").EnumerateArray()
            .Select(b => (b.GetProperty("resourceName").GetString(), b.GetProperty("patternType").GetString(), b.GetProperty("principal").GetString(), b.GetProperty("operation").GetString()))
            .ToList();
        Assert.Contains(("orders", "Literal", "User:bob", "Write"), topics);
        Assert.Contains(("*", "Literal", "User:*", "Describe"), topics);
        // The admin's PREFIXED "tenant." is the tenant's LITERAL *.
        Assert.Contains(("*", "Literal", "User:admin", "All"), topics);
        Assert.DoesNotContain(tenant + ".", listed.Body, StringComparison.Ordinal);

        var cluster = await ApiCall.SendAsync(client, HttpMethod.Get, $"/api/v1/tenants/{tenant}/acls?resourceType=Cluster&principal=User:bob");
        var only = Assert.Single(cluster.Json.GetProperty("items").EnumerateArray());
        Assert.Equal("kafka-cluster", only.GetProperty("resourceName").GetString());
        Assert.Equal("IdempotentWrite", only.GetProperty("operation").GetString());
    }

    [Fact]
    public async Task CreatingAnExistingBindingIsNoErrorAndListingMatchesLikeKafka()
    {
        var tenant = await TenantAsync();
        using var client = plane.Client(plane.OperatorKey);
        const string One = """{"resourceType": "Topic", "resourceName": "orders", "principal": "User:bob", "operation": "Read"}""";
        (await ApiCall.SendAsync(client, HttpMethod.Post, $"/api/v1/tenants/{tenant}/acls", One)).AssertStatus(HttpStatusCode.OK);
        var stored = await StoredAsync(tenant);

        var again = await ApiCall.SendAsync(client, HttpMethod.Post, $"/api/v1/tenants/{tenant}/acls", One);

        again.AssertStatus(HttpStatusCode.OK);
        Assert.False(Assert.Single(again.Json.GetProperty("items").EnumerateArray()).GetProperty("created").GetBoolean());
        Assert.Equal(stored, await StoredAsync(tenant));

        (await ApiCall.SendAsync(client, HttpMethod.Post, $"/api/v1/tenants/{tenant}/acls",
            """{"resourceType": "Topic", "resourceName": "ord", "patternType": "Prefixed", "principal": "User:carol", "operation": "Read"}""")).AssertStatus(HttpStatusCode.OK);
        var matching = await ApiCall.SendAsync(client, HttpMethod.Get, $"/api/v1/tenants/{tenant}/acls?resourceType=Topic&resourceName=orders&patternType=Match&operation=Read");
        Assert.Equal(["User:bob", "User:carol"], matching.Json.GetProperty("items").EnumerateArray().Select(b => b.GetProperty("principal").GetString()).Order());
        var literal = await ApiCall.SendAsync(client, HttpMethod.Get, $"/api/v1/tenants/{tenant}/acls?resourceName=orders&patternType=Literal");
        Assert.Equal("User:bob", Assert.Single(literal.Json.GetProperty("items").EnumerateArray()).GetProperty("principal").GetString());
    }

    [Fact]
    public async Task DeleteRemovesWhatTheFilterMatchesReturnsItAndSparesTheAdmin()
    {
        var tenant = await TenantAsync();
        var other = await TenantAsync();
        using var client = plane.Client(plane.OperatorKey);
        const string Batch = """
            {"bindings": [
              {"resourceType": "Topic", "resourceName": "orders", "principal": "User:bob", "operation": "Write"},
              {"resourceType": "Topic", "resourceName": "orders", "principal": "User:bob", "operation": "Describe"},
              {"resourceType": "Group", "resourceName": "billing", "principal": "User:bob", "operation": "Read"}
            ]}
            """;
        (await ApiCall.SendAsync(client, HttpMethod.Post, $"/api/v1/tenants/{tenant}/acls", Batch)).AssertStatus(HttpStatusCode.OK);
        (await ApiCall.SendAsync(client, HttpMethod.Post, $"/api/v1/tenants/{other}/acls", Batch)).AssertStatus(HttpStatusCode.OK);
        var otherBefore = await StoredAsync(other);

        var byQuery = await ApiCall.SendAsync(client, HttpMethod.Delete, $"/api/v1/tenants/{tenant}/acls?resourceType=Topic&operation=Write");
        byQuery.AssertStatus(HttpStatusCode.OK);
        var deleted = Assert.Single(byQuery.Json.GetProperty("items").EnumerateArray());
        Assert.Equal("orders", deleted.GetProperty("resourceName").GetString());
        Assert.Equal("User:bob", deleted.GetProperty("principal").GetString());

        var byBody = await ApiCall.SendAsync(client, HttpMethod.Delete, $"/api/v1/tenants/{tenant}/acls", """{"principal": "User:bob"}""");
        byBody.AssertStatus(HttpStatusCode.OK);
        Assert.Equal(2, byBody.Json.GetProperty("items").GetArrayLength());
        Assert.Empty(await StoredAsync(tenant));

        var everything = await ApiCall.SendAsync(client, HttpMethod.Delete, $"/api/v1/tenants/{tenant}/acls?resourceType=Any");
        everything.AssertStatus(HttpStatusCode.OK);
        Assert.Equal(0, everything.Json.GetProperty("items").GetArrayLength());
        var acls = (await plane.Acls.LoadAsync(CancellationToken.None)).Acls;
        Assert.All(TenantAdministration.AdminAcls(tenant), admin => Assert.Contains(admin, acls));
        Assert.Equal(otherBefore, await StoredAsync(other));
    }

    public static TheoryData<string, string> BadCreates => new()
    {
        { """{"resourceType": "Topics", "resourceName": "orders", "principal": "User:bob", "operation": "Read"}""", "Topic, Group, Cluster, TransactionalId" },
        { """{"resourceType": "Any", "resourceName": "orders", "principal": "User:bob", "operation": "Read"}""", "is not one of" },
        { """{"resourceType": "Topic", "resourceName": "orders", "principal": "User:bob", "operation": "Eat"}""", "Read, Write, Create" },
        { """{"resourceType": "Topic", "resourceName": "orders", "principal": "User:bob", "operation": "Read", "permission": "Maybe"}""", "Allow, Deny" },
        { """{"resourceType": "Topic", "resourceName": "orders", "principal": "User:bob", "operation": "Read", "patternType": "Match"}""", "Literal, Prefixed" },
        { """{"resourceType": "User", "resourceName": "bob", "principal": "User:bob", "operation": "Alter"}""", "operator" },
        { """{"resourceType": "Cluster", "resourceName": "orders", "principal": "User:bob", "operation": "Alter"}""", "kafka-cluster" },
        { """{"resourceType": "Topic", "resourceName": "", "principal": "User:bob", "operation": "Read"}""", "empty" },
        { """{"resourceType": "Topic", "resourceName": "orders", "principal": "bob", "operation": "Read"}""", "principal" },
        { """{"resourceType": "Topic", "resourceName": "orders", "principal": "Group:bob", "operation": "Read"}""", "User:" },
        { """{"resourceType": "Topic", "resourceName": "orders", "principal": "User:bob", "operation": "Read", "host": "example.com"}""", "host" },
        { """{"resourceType": "Topic", "resourceName": "orders", "principal": "User:bob"}""", "operation" },
        { """{"resourceType": "Topic", "resourceName": 5, "principal": "User:bob", "operation": "Read"}""", "$.resourceName" },
        { """{"resourceType": "Topic", "resourceName": "orders", "principal": "User:bob", "operation": "Read", "colour": "red"}""", "colour" },
        { """{"bindings": []}""", "at least one" },
        { """{"bindings": [{"resourceType": "Topic", "resourceName": "a", "principal": "User:bob", "operation": "Read"}, {"resourceType": "Topic", "resourceName": "b", "principal": "User:bob", "operation": "Fly"}]}""", "bindings[1]" },
        { """[1, 2]""", "Expected e.g." },
    };

    [Theory]
    [MemberData(nameof(BadCreates))]
    public async Task ABadCreateIsRefusedAndWritesNothing(string body, string mentioned)
    {
        var tenant = await TenantAsync();
        using var client = plane.Client(plane.OperatorKey);
        var before = await plane.VersionsAsync();

        var detail = (await ApiCall.SendAsync(client, HttpMethod.Post, $"/api/v1/tenants/{tenant}/acls", body)).AssertProblem(HttpStatusCode.BadRequest);

        Assert.Contains(mentioned, detail, StringComparison.Ordinal);
        Assert.Equal(before, await plane.VersionsAsync());
        Assert.Empty(await StoredAsync(tenant));
    }

    [Theory]
    [InlineData("GET", "resourceType=Topicz", "Any, Topic")]
    [InlineData("GET", "operation=Eat", "Any, Read")]
    [InlineData("GET", "colour=red", "colour")]
    [InlineData("GET", "resourceType=User", "operator")]
    [InlineData("DELETE", "", "at least one")]
    [InlineData("DELETE", "permission=Perhaps", "Any, Allow, Deny")]
    [InlineData("DELETE", "patternType=Sideways", "Any, Match, Literal, Prefixed")]
    [InlineData("DELETE", "resourceType=Topic&resourceType=Group", "once")]
    public async Task ABadFilterIsRefusedAndDeletesNothing(string method, string query, string mentioned)
    {
        var tenant = await TenantAsync();
        using var client = plane.Client(plane.OperatorKey);
        (await ApiCall.SendAsync(client, HttpMethod.Post, $"/api/v1/tenants/{tenant}/acls",
            """{"resourceType": "Topic", "resourceName": "orders", "principal": "User:bob", "operation": "Read"}""")).AssertStatus(HttpStatusCode.OK);
        var before = await plane.VersionsAsync();

        var detail = (await ApiCall.SendAsync(client, new HttpMethod(method), $"/api/v1/tenants/{tenant}/acls?{query}")).AssertProblem(HttpStatusCode.BadRequest);

        Assert.Contains(mentioned, detail, StringComparison.Ordinal);
        Assert.Equal(before, await plane.VersionsAsync());
        Assert.Single(await StoredAsync(tenant));
    }

    [Fact]
    public async Task KeysReachOnlyTheirOwnTenantsAcls()
    {
        var mine = await TenantAsync();
        var other = await TenantAsync();
        var key = (await plane.ApiKeys.CreateTenantKeyAsync(mine, TimeSpan.FromHours(1), "test", CancellationToken.None)).Secret;
        var expired = await plane.ExpiredKeyAsync(mine);
        using var client = plane.Client(key);
        const string One = """{"resourceType": "Topic", "resourceName": "orders", "principal": "User:bob", "operation": "Read"}""";

        (await ApiCall.SendAsync(client, HttpMethod.Post, $"/api/v1/tenants/{mine}/acls", One)).AssertStatus(HttpStatusCode.OK);
        var before = await plane.VersionsAsync();
        (await ApiCall.SendAsync(client, HttpMethod.Post, $"/api/v1/tenants/{other}/acls", One)).AssertProblem(HttpStatusCode.Forbidden);
        (await ApiCall.SendAsync(client, HttpMethod.Get, $"/api/v1/tenants/{other}/acls")).AssertProblem(HttpStatusCode.Forbidden);
        (await ApiCall.SendAsync(client, HttpMethod.Delete, $"/api/v1/tenants/{other}/acls?resourceType=Any")).AssertProblem(HttpStatusCode.Forbidden);
        using var stale = plane.Client(expired);
        (await ApiCall.SendAsync(stale, HttpMethod.Delete, $"/api/v1/tenants/{mine}/acls?resourceType=Any")).AssertProblem(HttpStatusCode.Unauthorized);
        using var operatorClient = plane.Client(plane.OperatorKey);
        (await ApiCall.SendAsync(operatorClient, HttpMethod.Post, $"/api/v1/tenants/{NewId()}/acls", One)).AssertProblem(HttpStatusCode.NotFound);
        Assert.Equal(before, await plane.VersionsAsync());
        Assert.Single(await StoredAsync(mine));
        Assert.Empty(await StoredAsync(other));
    }
}
