using System.Text.Json.Nodes;

namespace Fjord.Infra.Tests;

/// <summary>
/// One resource of a rendered ARM template, with the module deployment (Microsoft.Resources/deployments) it was
/// declared in, or null for main.bicep's own resources. Modules' parameter values are ARM expressions over
/// main's parameters and variables.
/// </summary>
public sealed record ArmResource(JsonObject Resource, JsonObject? Module)
{
    public string Type => (string)Resource["type"]!;

    public JsonNode? Properties => Resource["properties"];

    /// <summary>The module's name expression (e.g. <c>storage</c>), or <c>main</c>.</summary>
    public string ModuleName => Module is null ? "main" : (string)Module["name"]!;

    /// <summary>
    /// The expression the module passes for one of its parameters: its value, or the whole <c>{"value": …}</c>
    /// expression when Bicep folded a condition around it.
    /// </summary>
    public string? ModuleParameter(string name) =>
        Module?["properties"]?["parameters"]?[name] switch
        {
            JsonObject parameter => parameter["value"]?.ToString(),
            JsonNode expression => expression.ToString(),
            null => null,
        };

    /// <summary>Every resource in the template and in its modules, depth first; modules themselves are not listed.</summary>
    /// <summary>A variable of the module's own template.</summary>
    public JsonNode? ModuleVariable(string name) => Module?["properties"]?["template"]?["variables"]?[name];

    public static IEnumerable<ArmResource> All(JsonObject template) => All(template, module: null);

    private static IEnumerable<ArmResource> All(JsonObject template, JsonObject? module)
    {
        foreach (var node in template["resources"]!.AsArray())
        {
            var resource = node!.AsObject();
            if ((string?)resource["type"] == "Microsoft.Resources/deployments")
            {
                foreach (var inner in All(resource["properties"]!["template"]!.AsObject(), resource))
                    yield return inner;
            }
            else
            {
                yield return new ArmResource(resource, module);
            }
        }
    }

    public static IEnumerable<JsonObject> Modules(JsonObject template) =>
        template["resources"]!.AsArray().Select(r => r!.AsObject()).Where(r => (string?)r["type"] == "Microsoft.Resources/deployments");
}
