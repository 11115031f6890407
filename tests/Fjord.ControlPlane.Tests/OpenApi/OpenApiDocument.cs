using System.Text.Json.Nodes;
using Json.Schema;

namespace Fjord.ControlPlane.Tests.OpenApi;

/// <summary>The served OpenAPI document, read the way a client generator reads it: operations, and schemas with their references resolved.</summary>
public sealed class OpenApiDocument(JsonObject root)
{
    public JsonObject Root { get; } = root;

    public IEnumerable<(string Path, string Method, JsonObject Operation)> Operations()
    {
        foreach (var (path, item) in Root["paths"]!.AsObject())
            foreach (var (method, operation) in item!.AsObject())
                yield return (path, method, operation!.AsObject());
    }

    /// <summary>The JSON schema of an operation's answer with this status (or its default), references inlined.</summary>
    public JsonSchema? ResponseSchema(JsonObject operation, int status, string mediaType = "application/json")
    {
        var responses = operation["responses"]!.AsObject();
        var response = responses[status.ToString(System.Globalization.CultureInfo.InvariantCulture)] ?? responses["default"];
        return response?["content"]?[mediaType]?["schema"] is { } schema ? JsonSchema.FromText(Inline(schema).ToJsonString()) : null;
    }

    /// <summary>The request body's schema, references inlined, or null when the operation reads no body.</summary>
    public JsonNode? RequestSchemaNode(JsonObject operation) =>
        operation["requestBody"]?["content"]?["application/json"]?["schema"] is { } schema ? Inline(schema) : null;

    /// <summary>Replaces every <c>$ref</c> to a component with the component itself (the API's types are not recursive).</summary>
    public JsonNode Inline(JsonNode node)
    {
        switch (node)
        {
            case JsonObject o when o["$ref"]?.GetValue<string>() is { } reference:
                const string prefix = "#/components/schemas/";
                Assert.StartsWith(prefix, reference, StringComparison.Ordinal);
                var target = Root["components"]!["schemas"]![reference[prefix.Length..]] ?? throw new InvalidOperationException($"{reference} does not resolve");
                return Inline(target);
            case JsonObject o:
                var copy = new JsonObject();
                foreach (var (name, value) in o) copy[name] = value is null ? null : Inline(value);
                return copy;
            case JsonArray a:
                return new JsonArray([.. a.Select(v => v is null ? null : Inline(v))]);
            default:
                return node.DeepClone();
        }
    }
}
