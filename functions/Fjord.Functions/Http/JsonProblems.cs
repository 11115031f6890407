using System.Text.Json;

namespace Fjord.Functions.Http;

/// <summary>
/// Turns System.Text.Json's exceptions into messages for an API caller: which field, and what is wrong with it,
/// without the .NET type names the serializer puts in its own messages.
/// </summary>
internal static class JsonProblems
{
    public static string Describe(JsonException e)
    {
        var message = e.Message;
        var field = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? null : e.Path;
        if (message.Contains("could not be mapped to any .NET member", StringComparison.Ordinal))
            return $"Unknown field {Quoted(message) ?? field}: it is not part of this request";
        if (message.Contains("missing required properties", StringComparison.Ordinal))
            return $"Missing required field(s): {AfterColon(message)}";
        if (e.InnerException is null && e.LineNumber is null)
            return field is null ? "The body does not match the expected shape" : $"Field {field} has the wrong type or value";
        if (field is not null && message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal))
            return $"Field {field} has the wrong type or value";
        if (field is not null && message.Contains("Null", StringComparison.OrdinalIgnoreCase))
            return $"Field {field} must not be null";
        return $"The body is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})";
    }

    private static string? Quoted(string message)
    {
        var start = message.IndexOf('\'', StringComparison.Ordinal);
        var end = start < 0 ? -1 : message.IndexOf('\'', start + 1);
        return end > start ? message[(start + 1)..end] : null;
    }

    private static string AfterColon(string message)
    {
        var colon = message.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? message : message[(colon + 1)..].Trim().TrimEnd('.');
    }
}
