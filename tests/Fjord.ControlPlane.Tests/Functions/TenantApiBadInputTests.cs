using System.Net;

namespace Fjord.ControlPlane.Tests.Functions;

/// <summary>Bad input gets a 4xx problem+json that says what to fix, and nothing at all is written.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class TenantApiBadInputTests(ControlPlaneFixture plane)
{
    private const string Limits = """{"maxTopics": 1, "maxPartitions": 2, "maxRetainedBytes": 3, "maxConnections": 4}""";

    private static string NewId() => "b" + Guid.NewGuid().ToString("N")[..10];

    public static TheoryData<string, string, HttpStatusCode, string> BadCreates => new()
    {
        { "malformed JSON", """{"displayName": """, HttpStatusCode.BadRequest, "not valid JSON" },
        { "not an object", "[1, 2]", HttpStatusCode.BadRequest, "Expected e.g." },
        { "null", "null", HttpStatusCode.BadRequest, "null" },
        { "display name of the wrong type", """{"displayName": 5}""", HttpStatusCode.BadRequest, "$.displayName" },
        { "unknown field", """{"displayName": "x", "colour": "red"}""", HttpStatusCode.BadRequest, "colour" },
        { "unknown nested field", """{"limits": {"maxTopics": 1, "maxPartitions": 2, "maxRetainedBytes": 3, "maxConnections": 4, "maxFun": 5}}""", HttpStatusCode.BadRequest, "maxFun" },
        { "limit as a string", """{"limits": {"maxTopics": "1", "maxPartitions": 2, "maxRetainedBytes": 3, "maxConnections": 4}}""", HttpStatusCode.BadRequest, "$.limits.maxTopics" },
        { "limit missing", """{"limits": {"maxTopics": 1}}""", HttpStatusCode.BadRequest, "maxPartitions" },
        { "limit negative", """{"limits": {"maxTopics": -1, "maxPartitions": 2, "maxRetainedBytes": 3, "maxConnections": 4}}""", HttpStatusCode.UnprocessableEntity, "negative" },
        { "limit too big for its type", """{"limits": {"maxTopics": 99999999999, "maxPartitions": 2, "maxRetainedBytes": 3, "maxConnections": 4}}""", HttpStatusCode.BadRequest, "$.limits.maxTopics" },
        { "limit fractional", """{"limits": {"maxTopics": 1.5, "maxPartitions": 2, "maxRetainedBytes": 3, "maxConnections": 4}}""", HttpStatusCode.BadRequest, "$.limits.maxTopics" },
        { "display name too long", "{\"displayName\": \"" + new string('x', 201) + "\"}", HttpStatusCode.UnprocessableEntity, "200" },
        { "display name with a control character", """{"displayName": "a\u0007b"}""", HttpStatusCode.UnprocessableEntity, "control" },
        { "trailing garbage", """{} {}""", HttpStatusCode.BadRequest, "not valid JSON" },
    };

    [Theory]
    [MemberData(nameof(BadCreates))]
    public async Task ABadCreateBodyIsRefusedAndCreatesNothing(string what, string body, HttpStatusCode status, string mentioned)
    {
        using var client = plane.Client(plane.OperatorKey);
        var id = NewId();
        var before = await plane.VersionsAsync();

        var detail = (await ApiCall.SendAsync(client, HttpMethod.Put, $"/api/v1/tenants/{id}", body)).AssertProblem(status);

        Assert.True(detail.Contains(mentioned, StringComparison.Ordinal), $"{what}: '{detail}' does not mention '{mentioned}'");
        Assert.Null(await plane.Tenants.GetAsync(id, CancellationToken.None));
        Assert.Equal(before, await plane.VersionsAsync());
    }

    [Theory]
    [InlineData("""{"maxTopics": 1}""", HttpStatusCode.BadRequest, "maxConnections")]
    [InlineData("""{"maxTopics": 1, "maxPartitions": 2, "maxRetainedBytes": 3, "maxConnections": 4, "extra": 1}""", HttpStatusCode.BadRequest, "extra")]
    [InlineData("""{"maxTopics": true, "maxPartitions": 2, "maxRetainedBytes": 3, "maxConnections": 4}""", HttpStatusCode.BadRequest, "$.maxTopics")]
    [InlineData("""{"maxTopics": 1, "maxPartitions": -2, "maxRetainedBytes": 3, "maxConnections": 4}""", HttpStatusCode.UnprocessableEntity, "negative")]
    [InlineData("""{"maxTopics": 1, "maxPartitions": 2, "maxRetainedBytes": 3, "maxConnections": 4""", HttpStatusCode.BadRequest, "not valid JSON")]
    [InlineData("", HttpStatusCode.BadRequest, "needs a JSON body")]
    [InlineData("\"limits\"", HttpStatusCode.BadRequest, "Expected e.g.")]
    public async Task BadLimitsAreRefusedAndTheTenantIsUnchanged(string body, HttpStatusCode status, string mentioned)
    {
        using var client = plane.Client(plane.OperatorKey);
        var id = NewId();
        (await ApiCall.SendAsync(client, HttpMethod.Put, $"/api/v1/tenants/{id}", "{}")).AssertStatus(HttpStatusCode.Created);
        var stored = await plane.Tenants.GetAsync(id, CancellationToken.None);
        var before = await plane.VersionsAsync();

        var detail = (await ApiCall.SendAsync(client, HttpMethod.Put, $"/api/v1/tenants/{id}/limits", body)).AssertProblem(status);

        Assert.Contains(mentioned, detail, StringComparison.Ordinal);
        Assert.Equal(stored, await plane.Tenants.GetAsync(id, CancellationToken.None));
        Assert.Equal(before, await plane.VersionsAsync());
    }

    [Theory]
    [InlineData("abcdefghijabcdefghijabcdefghijabc", "2 to 32")]
    [InlineData("Acme", "lower-case")]
    [InlineData("a", "2 to 32")]
    [InlineData("acme-", "must not end")]
    [InlineData("ac.me", "legal characters")]
    [InlineData("ac_me", "legal characters")]
    public async Task AnIllegalTenantIdIsRefusedByEveryOperation(string id, string mentioned)
    {
        using var client = plane.Client(plane.OperatorKey);
        var before = await plane.VersionsAsync();
        var path = "/api/v1/tenants/" + Uri.EscapeDataString(id);
        var calls = new (HttpMethod Method, string Path, string? Body)[]
        {
            (HttpMethod.Put, path, "{}"),
            (HttpMethod.Get, path, null),
            (HttpMethod.Delete, path, null),
            (HttpMethod.Post, path + "/suspend", null),
            (HttpMethod.Post, path + "/resume", null),
            (HttpMethod.Put, path + "/limits", Limits),
        };
        foreach (var (method, target, body) in calls)
            Assert.Contains(mentioned, (await ApiCall.SendAsync(client, method, target, body)).AssertProblem(HttpStatusCode.BadRequest), StringComparison.Ordinal);
        Assert.Equal(before, await plane.VersionsAsync());
    }

    [Fact]
    public async Task OperationsOnAMissingTenantAre404AndCreateNothing()
    {
        using var client = plane.Client(plane.OperatorKey);
        var id = NewId();
        var before = await plane.VersionsAsync();
        (await ApiCall.SendAsync(client, HttpMethod.Get, $"/api/v1/tenants/{id}")).AssertProblem(HttpStatusCode.NotFound);
        (await ApiCall.SendAsync(client, HttpMethod.Post, $"/api/v1/tenants/{id}/suspend")).AssertProblem(HttpStatusCode.NotFound);
        (await ApiCall.SendAsync(client, HttpMethod.Post, $"/api/v1/tenants/{id}/resume")).AssertProblem(HttpStatusCode.NotFound);
        (await ApiCall.SendAsync(client, HttpMethod.Put, $"/api/v1/tenants/{id}/limits", Limits)).AssertProblem(HttpStatusCode.NotFound);
        (await ApiCall.SendAsync(client, HttpMethod.Delete, $"/api/v1/tenants/{id}")).AssertProblem(HttpStatusCode.NotFound);
        Assert.Null(await plane.Tenants.GetAsync(id, CancellationToken.None));
        Assert.Equal(before, await plane.VersionsAsync());
    }

    [Fact]
    public async Task ATenantBeingDeletedCannotBeResumedLimitedOrCreatedAgain()
    {
        using var client = plane.Client(plane.OperatorKey);
        var id = NewId();
        (await ApiCall.SendAsync(client, HttpMethod.Put, $"/api/v1/tenants/{id}", "{}")).AssertStatus(HttpStatusCode.Created);
        (await ApiCall.SendAsync(client, HttpMethod.Delete, $"/api/v1/tenants/{id}")).AssertStatus(HttpStatusCode.Accepted);
        var stored = await plane.Tenants.GetAsync(id, CancellationToken.None);
        var before = await plane.VersionsAsync();

        (await ApiCall.SendAsync(client, HttpMethod.Post, $"/api/v1/tenants/{id}/resume")).AssertProblem(HttpStatusCode.Conflict);
        (await ApiCall.SendAsync(client, HttpMethod.Post, $"/api/v1/tenants/{id}/suspend")).AssertProblem(HttpStatusCode.Conflict);
        (await ApiCall.SendAsync(client, HttpMethod.Put, $"/api/v1/tenants/{id}/limits", Limits)).AssertProblem(HttpStatusCode.Conflict);
        (await ApiCall.SendAsync(client, HttpMethod.Put, $"/api/v1/tenants/{id}", "{}")).AssertProblem(HttpStatusCode.Conflict);

        Assert.Equal(stored, await plane.Tenants.GetAsync(id, CancellationToken.None));
        Assert.Equal(before, await plane.VersionsAsync());
    }

    [Fact]
    public async Task NonJsonOversizedAndBadQueryInputAreRefused()
    {
        using var client = plane.Client(plane.OperatorKey);
        var id = NewId();
        var before = await plane.VersionsAsync();

        (await ApiCall.SendAsync(client, HttpMethod.Put, $"/api/v1/tenants/{id}", "displayName=x", contentType: "application/x-www-form-urlencoded"))
            .AssertProblem(HttpStatusCode.UnsupportedMediaType);
        var huge = "{\"displayName\": \"" + new string('x', 70_000) + "\"}";
        (await ApiCall.SendAsync(client, HttpMethod.Put, $"/api/v1/tenants/{id}", huge)).AssertProblem(HttpStatusCode.RequestEntityTooLarge);
        (await ApiCall.SendAsync(client, HttpMethod.Get, "/api/v1/tenants?limit=0")).AssertProblem(HttpStatusCode.BadRequest);
        (await ApiCall.SendAsync(client, HttpMethod.Get, "/api/v1/tenants?limit=1001")).AssertProblem(HttpStatusCode.BadRequest);
        (await ApiCall.SendAsync(client, HttpMethod.Get, "/api/v1/tenants?limit=ten")).AssertProblem(HttpStatusCode.BadRequest);
        (await ApiCall.SendAsync(client, HttpMethod.Get, "/api/v1/tenants?continuation=%21%21")).AssertProblem(HttpStatusCode.BadRequest);
        (await ApiCall.SendAsync(client, HttpMethod.Get, "/api/v1/tenants?continuation=QUNNRQ")).AssertProblem(HttpStatusCode.BadRequest);

        Assert.Null(await plane.Tenants.GetAsync(id, CancellationToken.None));
        Assert.Equal(before, await plane.VersionsAsync());
    }
}
