using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fjord.ControlPlane.Tests.Functions;
using Json.Schema;

namespace Fjord.ControlPlane.Tests.OpenApi;

/// <summary>
/// <c>/api/openapi.json</c> describes exactly the functions the Worker SDK found, every schema in it is valid JSON
/// Schema, and what the API really answers validates against what the document says it answers.
/// </summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class OpenApiTests(ControlPlaneFixture plane)
{
    private static readonly EvaluationOptions Evaluation = new() { OutputFormat = OutputFormat.List };

    internal static async Task<OpenApiDocument> FetchAsync(ControlPlaneFixture plane)
    {
        using var anonymous = plane.Client(key: null);
        var served = await ApiCall.SendAsync(anonymous, HttpMethod.Get, "/api/openapi.json");
        served.AssertStatus(HttpStatusCode.OK);
        Assert.Equal("application/json", served.MediaType);
        return new OpenApiDocument(JsonNode.Parse(served.Body)!.AsObject());
    }

    [Fact]
    public async Task TheDocumentIsServedWithoutAKeyAndHasAnOperationForEveryHttpFunctionOfFunctionsMetadata()
    {
        var document = await FetchAsync(plane);
        Assert.Equal("3.1.0", document.Root["openapi"]!.GetValue<string>());

        var prefix = "/" + FunctionsMetadata.RoutePrefix(FunctionsMetadata.BuildOutput()) + "/";
        var expected = FunctionsMetadata.Read(FunctionsMetadata.BuildOutput())
            .Where(f => f.TriggerTypes.Contains("httpTrigger"))
            .SelectMany(f => f.Methods.Select(m => (f.Name, Method: m.ToLowerInvariant(), Path: prefix + System.Text.RegularExpressions.Regex.Replace(f.Route ?? f.Name, @"\{(\w+)(?::[^}]*)?\??\}", "{$1}"))))
            .OrderBy(x => x.Name, StringComparer.Ordinal).ThenBy(x => x.Method, StringComparer.Ordinal).ToList();
        var documented = document.Operations()
            .Select(o => (Name: o.Operation["operationId"]!.GetValue<string>(), o.Method, o.Path))
            .OrderBy(x => x.Name, StringComparer.Ordinal).ThenBy(x => x.Method, StringComparer.Ordinal).ToList();
        Assert.Equal(expected, documented);
    }

    [Fact]
    public async Task EverySchemaIsValidJsonSchemaAndEveryReferenceResolves()
    {
        var document = await FetchAsync(plane);
        foreach (var (name, schema) in document.Root["components"]!["schemas"]!.AsObject())
        {
            var loaded = JsonSchema.FromText(document.Inline(schema!).ToJsonString());
            Assert.NotNull(loaded);
        }
        foreach (var (path, method, operation) in document.Operations())
        {
            foreach (var (status, _) in operation["responses"]!.AsObject())
            {
                var code = status == "default" ? 400 : int.Parse(status, System.Globalization.CultureInfo.InvariantCulture);
                var mediaType = status == "default" ? "application/problem+json" : "application/json";
                _ = document.ResponseSchema(operation, code, mediaType);
            }
            if (document.RequestSchemaNode(operation) is { } body) Assert.NotNull(JsonSchema.FromText(body.ToJsonString()));
            foreach (var parameter in operation["parameters"]!.AsArray())
                Assert.Contains(parameter!["in"]!.GetValue<string>(), new[] { "path", "query" });
            Assert.False(string.IsNullOrEmpty(operation["operationId"]?.GetValue<string>()), $"{method} {path} has an operationId");
        }
    }

    [Fact]
    public async Task WhatTheTenantApiAnswersValidatesAgainstTheDocument()
    {
        var document = await FetchAsync(plane);
        var operations = document.Operations().ToDictionary(o => o.Operation["operationId"]!.GetValue<string>(), o => o.Operation);
        using var client = plane.Client(plane.OperatorKey);
        var id = "oa" + Guid.NewGuid().ToString("N")[..10];
        var checkedCalls = 0;

        async Task<ApiCall> CallAsync(string operationId, HttpMethod method, string path, string? body = null)
        {
            var call = await ApiCall.SendAsync(client, method, path, body);
            if (call.Body.Length > 0)
            {
                var schema = document.ResponseSchema(operations[operationId], (int)call.Status, call.MediaType ?? "application/json");
                Assert.True(schema is not null, $"{operationId} answered {(int)call.Status} {call.MediaType}, which the document does not describe");
                var result = schema.Evaluate(JsonDocument.Parse(call.Body).RootElement, Evaluation);
                Assert.True(result.IsValid, $"{operationId} {(int)call.Status}: {call.Body}\nagainst the document: {string.Join("; ", (result.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")))}");
                checkedCalls++;
            }
            return call;
        }

        (await CallAsync("PutTenant", HttpMethod.Put, $"/api/v1/tenants/{id}", """{"displayName": "Open API", "limits": {"maxTopics": 3, "maxPartitions": null, "maxRetainedBytes": null, "maxConnections": 4}}"""))
            .AssertStatus(HttpStatusCode.Created);
        (await CallAsync("PutTenant", HttpMethod.Put, $"/api/v1/tenants/{id}", """{"displayName": "Open API", "limits": {"maxTopics": 3, "maxPartitions": null, "maxRetainedBytes": null, "maxConnections": 4}}"""))
            .AssertStatus(HttpStatusCode.OK);
        (await CallAsync("GetTenant", HttpMethod.Get, $"/api/v1/tenants/{id}")).AssertStatus(HttpStatusCode.OK);
        (await CallAsync("ListTenants", HttpMethod.Get, "/api/v1/tenants?limit=2")).AssertStatus(HttpStatusCode.OK);
        (await CallAsync("SuspendTenant", HttpMethod.Post, $"/api/v1/tenants/{id}/suspend")).AssertStatus(HttpStatusCode.OK);
        (await CallAsync("ResumeTenant", HttpMethod.Post, $"/api/v1/tenants/{id}/resume")).AssertStatus(HttpStatusCode.OK);
        (await CallAsync("PutTenantLimits", HttpMethod.Put, $"/api/v1/tenants/{id}/limits", """{"maxTopics": 9, "maxPartitions": 90, "maxRetainedBytes": 1000, "maxConnections": null}"""))
            .AssertStatus(HttpStatusCode.OK);
        (await CallAsync("GetTenant", HttpMethod.Get, "/api/v1/tenants/no-such-tenant-x")).AssertProblem(HttpStatusCode.NotFound);
        (await CallAsync("PutTenantLimits", HttpMethod.Put, $"/api/v1/tenants/{id}/limits", """{"maxTopics": "nine"}""")).AssertProblem(HttpStatusCode.BadRequest);
        (await CallAsync("DeleteTenant", HttpMethod.Delete, $"/api/v1/tenants/{id}")).AssertStatus(HttpStatusCode.Accepted);
        Assert.Equal(10, checkedCalls);
    }
}
