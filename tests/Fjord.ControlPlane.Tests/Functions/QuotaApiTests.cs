using System.Net;
using Fjord.Security.Quotas;

namespace Fjord.ControlPlane.Tests.Functions;

/// <summary>
/// <c>/api/v1/tenants/{tenant}/quotas</c>: the operator sets a tenant's cap in the brokers' quota table; the tenant reads
/// it and its own entities in its own names; bad input and the wrong key are 4xx problems that write nothing.
/// </summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class QuotaApiTests(ControlPlaneFixture plane)
{
    private const string Cap = """{"producerByteRate": 1048576, "consumerByteRate": 2097152, "requestPercentage": 25.5, "controllerMutationRate": null}""";

    private static string NewId() => "q" + Guid.NewGuid().ToString("N")[..10];

    private async Task<string> NewTenantAsync()
    {
        var id = NewId();
        using var client = plane.Client(plane.OperatorKey);
        (await ApiCall.SendAsync(client, HttpMethod.Put, $"/api/v1/tenants/{id}", "{}")).AssertStatus(HttpStatusCode.Created);
        return id;
    }

    private async Task<ClientQuotaRecord[]> StoredAsync(string tenant)
    {
        var (records, _) = await plane.Quotas.LoadAsync(CancellationToken.None);
        return [.. records.Where(r => r.Entity.TryGetName(ClientQuotaEntity.Tenant, out var owner) && owner == tenant)];
    }

    [Fact]
    public async Task TheOperatorSetsATenantsCapWhichTheBrokersTableHoldsAndTheTenantReads()
    {
        var tenant = await NewTenantAsync();
        using var operatorClient = plane.Client(plane.OperatorKey);

        var put = await ApiCall.SendAsync(operatorClient, HttpMethod.Put, $"/api/v1/tenants/{tenant}/quotas", Cap);

        put.AssertStatus(HttpStatusCode.OK);
        Assert.Equal(1048576, put.Json.GetProperty("cap").GetProperty("producerByteRate").GetInt64());
        var record = Assert.Single(await StoredAsync(tenant));
        Assert.Equal(ClientQuotaEntity.Of((ClientQuotaEntity.Tenant, tenant)), record.Entity);
        Assert.Equal(new Dictionary<string, double> { ["producer_byte_rate"] = 1048576, ["consumer_byte_rate"] = 2097152, ["request_percentage"] = 25.5 }, record.Values);

        // The tenant's own quotas, set as its AlterClientQuotas would store them, show in its own names.
        await plane.Quotas.AlterAsync(ClientQuotaEntity.Of((ClientQuotaEntity.Tenant, tenant), (ClientQuotaEntity.User, tenant + ".app1")),
            [new ClientQuotaAlteration("producer_byte_rate", 4096)], CancellationToken.None);
        await plane.Quotas.AlterAsync(ClientQuotaEntity.Of((ClientQuotaEntity.Tenant, tenant), (ClientQuotaEntity.User, null)),
            [new ClientQuotaAlteration("consumer_byte_rate", 8192)], CancellationToken.None);
        var key = (await plane.ApiKeys.CreateTenantKeyAsync(tenant, TimeSpan.FromHours(1), "test", CancellationToken.None)).Secret;
        using var tenantClient = plane.Client(key);
        var get = await ApiCall.SendAsync(tenantClient, HttpMethod.Get, $"/api/v1/tenants/{tenant}/quotas");
        get.AssertStatus(HttpStatusCode.OK);
        Assert.Equal(25.5, get.Json.GetProperty("cap").GetProperty("requestPercentage").GetDouble());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, get.Json.GetProperty("cap").GetProperty("controllerMutationRate").ValueKind);
        var entities = get.Json.GetProperty("entities").EnumerateArray().ToList();
        Assert.Equal(2, entities.Count);
        Assert.Contains(entities, e => e.GetProperty("entity").GetProperty("user").GetString() == "app1" && e.GetProperty("quotas").GetProperty("producer_byte_rate").GetDouble() == 4096);
        Assert.Contains(entities, e => e.GetProperty("entity").GetProperty("user").ValueKind == System.Text.Json.JsonValueKind.Null);
        Assert.DoesNotContain(tenant + ".", get.Body, StringComparison.Ordinal);

        // All null removes the cap.
        (await ApiCall.SendAsync(operatorClient, HttpMethod.Put, $"/api/v1/tenants/{tenant}/quotas",
            """{"producerByteRate": null, "consumerByteRate": null, "requestPercentage": null, "controllerMutationRate": null}""")).AssertStatus(HttpStatusCode.OK);
        Assert.DoesNotContain(await StoredAsync(tenant), r => r.Entity.Count == 1);
    }

    [Fact]
    public async Task TheCapCarriesAnETagAndAPutWithAStaleIfMatchIs412AndWritesNothing()
    {
        var tenant = await NewTenantAsync();
        using var client = plane.Client(plane.OperatorKey);
        var first = await ApiCall.SendAsync(client, HttpMethod.Get, $"/api/v1/tenants/{tenant}/quotas");
        first.AssertStatus(HttpStatusCode.OK);
        Assert.NotNull(first.ETag);

        // Over the cap it read: applied, and the answer carries the new cap's tag.
        var put = await ApiCall.SendAsync(client, HttpMethod.Put, $"/api/v1/tenants/{tenant}/quotas", Cap, h => h.IfMatch.ParseAdd(first.ETag!));
        put.AssertStatus(HttpStatusCode.OK);
        Assert.NotEqual(first.ETag, put.ETag);
        Assert.Equal(put.ETag, (await ApiCall.SendAsync(client, HttpMethod.Get, $"/api/v1/tenants/{tenant}/quotas")).ETag);

        // Over a cap that has changed since: 412, naming the current tag, and the stored cap stays as it is.
        var before = await StoredAsync(tenant);
        var stale = await ApiCall.SendAsync(client, HttpMethod.Put, $"/api/v1/tenants/{tenant}/quotas",
            """{"producerByteRate": 1, "consumerByteRate": null, "requestPercentage": null, "controllerMutationRate": null}""", h => h.IfMatch.ParseAdd(first.ETag!));
        Assert.Contains(put.ETag!, stale.AssertProblem(HttpStatusCode.PreconditionFailed), StringComparison.Ordinal);
        Assert.Equal(before.Single().Values, (await StoredAsync(tenant)).Single().Values);

        // If-Match: * and no If-Match at all write regardless.
        (await ApiCall.SendAsync(client, HttpMethod.Put, $"/api/v1/tenants/{tenant}/quotas", """{"producerByteRate": 2048, "consumerByteRate": null, "requestPercentage": null, "controllerMutationRate": null}""",
            h => h.IfMatch.Add(System.Net.Http.Headers.EntityTagHeaderValue.Any))).AssertStatus(HttpStatusCode.OK);
        Assert.Equal(2048, (await StoredAsync(tenant)).Single().Values["producer_byte_rate"]);
        (await ApiCall.SendAsync(client, HttpMethod.Put, $"/api/v1/tenants/{tenant}/quotas", """{"producerByteRate": 4096, "consumerByteRate": null, "requestPercentage": null, "controllerMutationRate": null}""")).AssertStatus(HttpStatusCode.OK);
        Assert.Equal(4096, (await StoredAsync(tenant)).Single().Values["producer_byte_rate"]);
    }

    [Fact]
    public async Task AConditionalAlterationIsJudgedOnTheValuesItReplaces()
    {
        var tenant = await NewTenantAsync();
        var entity = ClientQuotaEntity.Of((ClientQuotaEntity.Tenant, tenant));
        await plane.Quotas.AlterAsync(entity, [new ClientQuotaAlteration("producer_byte_rate", 100)], CancellationToken.None);

        // Another writer's change lands between this writer's read and its write: the precondition sees the new values.
        var seen = new List<double>();
        var written = await plane.Quotas.AlterIfAsync(entity, [new ClientQuotaAlteration("producer_byte_rate", 300)], current =>
        {
            seen.Add(current["producer_byte_rate"]);
            if (seen.Count == 1)
                plane.Quotas.AlterAsync(entity, [new ClientQuotaAlteration("producer_byte_rate", 200)], CancellationToken.None).GetAwaiter().GetResult();
            return current["producer_byte_rate"] == 100;
        }, CancellationToken.None);

        Assert.False(written);
        Assert.Equal([100d, 200d], seen);
        Assert.Equal(200, (await StoredAsync(tenant)).Single().Values["producer_byte_rate"]);
    }

    [Fact]
    public async Task BadBodiesTheWrongKeyAndUnknownTenantsAre4xxAndWriteNothing()
    {
        var tenant = await NewTenantAsync();
        var other = await NewTenantAsync();
        using var operatorClient = plane.Client(plane.OperatorKey);
        (await ApiCall.SendAsync(operatorClient, HttpMethod.Put, $"/api/v1/tenants/{tenant}/quotas", Cap)).AssertStatus(HttpStatusCode.OK);
        var before = await StoredAsync(tenant);
        var version = await plane.Quotas.ReadVersionAsync(CancellationToken.None);

        var bodies = new (string Body, HttpStatusCode Status, string Mentioned)[]
        {
            ("{", HttpStatusCode.BadRequest, "JSON"),
            ("""{"producerByteRate": 1}""", HttpStatusCode.BadRequest, "consumerByteRate"),
            ("""{"producerByteRate": "1048576", "consumerByteRate": null, "requestPercentage": null, "controllerMutationRate": null}""", HttpStatusCode.BadRequest, "producerByteRate"),
            ("""{"producerByteRate": 1.5, "consumerByteRate": null, "requestPercentage": null, "controllerMutationRate": null}""", HttpStatusCode.BadRequest, "producerByteRate"),
            ("""{"producerByteRate": null, "consumerByteRate": null, "requestPercentage": null, "controllerMutationRate": null, "connectionCreationRate": 5}""", HttpStatusCode.BadRequest, "connectionCreationRate"),
            ("""{"producerByteRate": -1, "consumerByteRate": null, "requestPercentage": null, "controllerMutationRate": null}""", HttpStatusCode.UnprocessableEntity, "positive"),
            ("""{"producerByteRate": null, "consumerByteRate": null, "requestPercentage": 0, "controllerMutationRate": null}""", HttpStatusCode.UnprocessableEntity, "positive"),
        };
        foreach (var (body, status, mentioned) in bodies)
        {
            var call = await ApiCall.SendAsync(operatorClient, HttpMethod.Put, $"/api/v1/tenants/{tenant}/quotas", body);
            Assert.Contains(mentioned, call.AssertProblem(status), StringComparison.Ordinal);
        }
        Assert.Contains("does not exist", (await ApiCall.SendAsync(operatorClient, HttpMethod.Put, $"/api/v1/tenants/{NewId()}/quotas", Cap)).AssertProblem(HttpStatusCode.NotFound), StringComparison.Ordinal);
        (await ApiCall.SendAsync(operatorClient, HttpMethod.Get, $"/api/v1/tenants/{NewId()}/quotas")).AssertProblem(HttpStatusCode.NotFound);
        (await ApiCall.SendAsync(operatorClient, HttpMethod.Get, "/api/v1/tenants/NOT_AN_ID/quotas")).AssertProblem(HttpStatusCode.BadRequest);

        var ownKey = (await plane.ApiKeys.CreateTenantKeyAsync(tenant, TimeSpan.FromHours(1), "test", CancellationToken.None)).Secret;
        var otherKey = (await plane.ApiKeys.CreateTenantKeyAsync(other, TimeSpan.FromHours(1), "test", CancellationToken.None)).Secret;
        using (var own = plane.Client(ownKey))
            Assert.Contains("operator", (await ApiCall.SendAsync(own, HttpMethod.Put, $"/api/v1/tenants/{tenant}/quotas", Cap.Replace("1048576", "9999999", StringComparison.Ordinal))).AssertProblem(HttpStatusCode.Forbidden), StringComparison.Ordinal);
        using (var foreign = plane.Client(otherKey))
        {
            (await ApiCall.SendAsync(foreign, HttpMethod.Get, $"/api/v1/tenants/{tenant}/quotas")).AssertProblem(HttpStatusCode.Forbidden);
            (await ApiCall.SendAsync(foreign, HttpMethod.Put, $"/api/v1/tenants/{tenant}/quotas", Cap)).AssertProblem(HttpStatusCode.Forbidden);
        }
        using (var expired = plane.Client(await plane.ExpiredKeyAsync(null)))
            (await ApiCall.SendAsync(expired, HttpMethod.Put, $"/api/v1/tenants/{tenant}/quotas", Cap)).AssertProblem(HttpStatusCode.Unauthorized);

        Assert.Equal(version, await plane.Quotas.ReadVersionAsync(CancellationToken.None));
        Assert.Equivalent(before, await StoredAsync(tenant));
    }
}
