using System.Net;
using System.Text.Json.Nodes;
using Fjord.ControlPlane.Tests.Functions;

namespace Fjord.ControlPlane.Tests.OpenApi;

/// <summary>
/// Drives every operation of the OpenAPI document with bodies and parameters made to be wrong — malformed JSON, each
/// property with a value of the wrong type, null, missing and unknown fields, over-long strings, deep nesting — and
/// asserts that none is answered with a 5xx and that every refusal is problem+json.
/// </summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class OpenApiFuzzTests(ControlPlaneFixture plane)
{
    [Fact]
    public async Task NoOperationAnswersABadBodyOrParameterWithAServerError()
    {
        var document = await OpenApiTests.FetchAsync(plane);
        using var client = plane.Client(plane.OperatorKey);
        var existing = "fz" + Guid.NewGuid().ToString("N")[..10];
        (await ApiCall.SendAsync(client, HttpMethod.Put, $"/api/v1/tenants/{existing}", """{"displayName": "Fuzz"}""")).AssertStatus(HttpStatusCode.Created);

        var random = new Random(20261207);
        var sent = 0;
        foreach (var (path, method, operation) in document.Operations())
        {
            var bodies = document.RequestSchemaNode(operation) is { } schema ? BadBodies(schema, random).ToList() : ["{\"unexpected\": true}", "not json"];
            foreach (var target in PathsFor(path, existing))
            {
                foreach (var query in new[] { "", "?limit=-1", "?limit=abc&continuation=%25%25", "?continuation=" + new string('z', 3000) })
                {
                    foreach (var body in method is "get" or "delete" && query.Length > 0 ? bodies.Take(1) : bodies)
                    {
                        var call = await ApiCall.SendAsync(client, new HttpMethod(method.ToUpperInvariant()), target + query, body);
                        sent++;
                        Assert.True((int)call.Status < 500, $"{method.ToUpperInvariant()} {target}{query} with {Shorten(body)} answered {(int)call.Status}: {call.Body}");
                        if ((int)call.Status >= 400)
                            Assert.True(call.MediaType == "application/problem+json", $"{method.ToUpperInvariant()} {target}{query} with {Shorten(body)} answered {(int)call.Status} {call.MediaType}: {call.Body}");
                    }
                }
            }
        }
        Assert.True(sent > 100, $"only {sent} requests were sent");
    }

    private static string Shorten(string text) => text.Length > 200 ? text[..200] + "…" : text;

    /// <summary>The operation's path with its parameters filled in: an existing tenant, a missing one, and hostile values.</summary>
    private static IEnumerable<string> PathsFor(string template, string existing)
    {
        if (!template.Contains('{', StringComparison.Ordinal))
        {
            yield return template;
            yield break;
        }
        foreach (var value in new[] { existing, "missing-" + existing[2..], "UPPER", "a", new string('x', 300), "%00", "acme.orders" })
            yield return System.Text.RegularExpressions.Regex.Replace(template, @"\{\w+\}", Uri.EscapeDataString(value));
    }

    private static IEnumerable<string> BadBodies(JsonNode schema, Random random)
    {
        yield return "";
        yield return "{";
        yield return "null";
        yield return "[]";
        yield return "\"text\"";
        yield return "{}";
        yield return """{"unknownField": 1}""";
        yield return new string('[', 40) + new string(']', 40);
        yield return "{\"a\":" + string.Concat(Enumerable.Repeat("{\"a\":", 30)) + "1" + new string('}', 31);
        var bytes = new byte[64];
        random.NextBytes(bytes);
        yield return Convert.ToBase64String(bytes);
        if (schema is not JsonObject { } shape || shape["properties"] is not JsonObject properties) yield break;
        var valid = new JsonObject();
        foreach (var (name, _) in properties) valid[name] = null;
        foreach (var (name, property) in properties)
        {
            foreach (var wrong in WrongValues(property))
            {
                var body = valid.DeepClone().AsObject();
                body[name] = wrong;
                yield return body.ToJsonString();
            }
        }
    }

    private static IEnumerable<JsonNode?> WrongValues(JsonNode? property)
    {
        yield return JsonValue.Create("not-what-was-asked");
        yield return JsonValue.Create(-1);
        yield return JsonValue.Create(long.MaxValue);
        yield return JsonValue.Create(1.5);
        yield return JsonValue.Create(true);
        yield return new JsonArray(1, 2);
        yield return new JsonObject { ["nested"] = "x" };
        yield return JsonValue.Create(new string('x', 100_000));
        if (property is JsonObject { } inner && inner["properties"] is JsonObject nested)
            foreach (var (name, _) in nested)
                yield return new JsonObject { [name] = "wrong-type-inside" };
    }
}
