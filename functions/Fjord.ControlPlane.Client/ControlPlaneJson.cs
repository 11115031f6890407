using System.Text.Json;
using System.Text.Json.Serialization;

namespace Fjord.ControlPlane.Client;

/// <summary>
/// The API's JSON dialect as a client reads it: camelCase and enums as camelCase strings, like the server, but
/// tolerant of fields it does not know, so a newer control plane does not break an older client.
/// </summary>
public static class ControlPlaneJson
{
    public static JsonSerializerOptions Options { get; } = Create(indented: false);

    /// <summary>The same, indented: what the CLI prints for <c>--output json</c>.</summary>
    public static JsonSerializerOptions Indented { get; } = Create(indented: true);

    private static JsonSerializerOptions Create(bool indented)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = indented };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
