using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.RegularExpressions;
using Fjord.Functions.Http;
using Microsoft.Azure.Functions.Worker;

namespace Fjord.Functions.OpenApi;

/// <summary>
/// Builds the OpenAPI 3.1 document from the code itself: every <c>[Function]</c> with an HTTP trigger is an operation
/// (its route, method and path parameters from the trigger; bodies, answers and query parameters from the Api*
/// attributes; schemas from the very JSON options the API reads and writes with), so the document cannot describe an
/// API other than the one served.
/// </summary>
public static partial class OpenApiDocumentBuilder
{
    public const string RoutePrefix = "/api/";
    public const string ProblemSchema = "Problem";

    private static readonly JsonSchemaExporterOptions ExporterOptions = new() { TreatNullObliviousAsNonNullable = true };

    public static JsonObject Build(Assembly functions)
    {
        ArgumentNullException.ThrowIfNull(functions);
        var schemas = new JsonObject { [ProblemSchema] = SchemaOf(typeof(Problem)) };
        var paths = new JsonObject();
        foreach (var (method, function, trigger) in HttpFunctions(functions).OrderBy(f => f.Trigger.Route ?? f.Function.Name, StringComparer.Ordinal))
        {
            // The Functions host's defaults: no route means the function's name; no methods means every method.
            var route = trigger.Route ?? function.Name;
            var path = RoutePrefix + RouteParameter().Replace(route, m => "{" + m.Groups[1].Value + "}");
            if (paths[path] is not JsonObject item) paths[path] = item = [];
            foreach (var verb in trigger.Methods is { Length: > 0 } declared ? declared : ["get", "post", "put", "patch", "delete"])
                item[verb.ToLowerInvariant()] = Operation(method, function, trigger, schemas);
        }
        return new JsonObject
        {
            ["openapi"] = "3.1.0",
            ["info"] = new JsonObject
            {
                ["title"] = "Fjord control plane",
                ["version"] = "1",
                ["description"] = "Tenants and their Kafka resources. Authenticate with an API key as a bearer token; errors are application/problem+json.",
            },
            ["paths"] = paths,
            ["components"] = new JsonObject
            {
                ["schemas"] = schemas,
                ["securitySchemes"] = new JsonObject { ["apiKey"] = new JsonObject { ["type"] = "http", ["scheme"] = "bearer" } },
            },
            ["security"] = new JsonArray(new JsonObject { ["apiKey"] = new JsonArray() }),
        };
    }

    /// <summary>Every HTTP-triggered function method of the assembly, with its attributes.</summary>
    public static IEnumerable<(MethodInfo Method, FunctionAttribute Function, HttpTriggerAttribute Trigger)> HttpFunctions(Assembly functions)
    {
        ArgumentNullException.ThrowIfNull(functions);
        foreach (var type in functions.GetExportedTypes())
        {
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static))
            {
                if (method.GetCustomAttribute<FunctionAttribute>() is not { } function) continue;
                var trigger = method.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).FirstOrDefault(t => t is not null);
                if (trigger is not null) yield return (method, function, trigger);
            }
        }
    }

    private static JsonObject Operation(MethodInfo method, FunctionAttribute function, HttpTriggerAttribute trigger, JsonObject schemas)
    {
        var parameters = new JsonArray();
        foreach (Match match in RouteParameter().Matches(trigger.Route ?? function.Name))
            parameters.Add(new JsonObject { ["name"] = match.Groups[1].Value, ["in"] = "path", ["required"] = true, ["schema"] = new JsonObject { ["type"] = "string" } });
        foreach (var query in method.GetCustomAttributes<ApiQueryAttribute>())
            parameters.Add(new JsonObject { ["name"] = query.Name, ["in"] = "query", ["required"] = false, ["description"] = query.Description, ["schema"] = SchemaOf(query.Type) });

        var responses = new JsonObject();
        foreach (var answer in method.GetCustomAttributes<ApiResponseAttribute>().OrderBy(a => a.Status))
        {
            var response = new JsonObject { ["description"] = answer.Description };
            if (answer.BodyType is { } type) response["content"] = Json("application/json", Reference(type, schemas));
            responses[answer.Status.ToString(System.Globalization.CultureInfo.InvariantCulture)] = response;
        }
        responses["default"] = new JsonObject
        {
            ["description"] = "A problem: what was wrong and what to do about it",
            ["content"] = Json("application/problem+json", new JsonObject { ["$ref"] = "#/components/schemas/" + ProblemSchema }),
        };

        var operation = new JsonObject { ["operationId"] = function.Name, ["parameters"] = parameters, ["responses"] = responses };
        if (method.GetCustomAttribute<ApiRequestBodyAttribute>() is { } body)
            operation["requestBody"] = new JsonObject { ["required"] = true, ["content"] = Json("application/json", Reference(body.BodyType, schemas)) };
        if (method.GetCustomAttribute<AnonymousAttribute>() is not null) operation["security"] = new JsonArray();
        return operation;
    }

    private static JsonObject Json(string mediaType, JsonNode schema) => new() { [mediaType] = new JsonObject { ["schema"] = schema } };

    private static JsonObject Reference(Type type, JsonObject schemas)
    {
        if (!schemas.ContainsKey(type.Name)) schemas[type.Name] = SchemaOf(type);
        return new JsonObject { ["$ref"] = "#/components/schemas/" + type.Name };
    }

    private static JsonNode SchemaOf(Type type) => ApiJson.Options.GetJsonSchemaAsNode(type, ExporterOptions);

    [GeneratedRegex(@"\{(\w+)(?::[^}]*)?\??\}")]
    private static partial Regex RouteParameter();
}
