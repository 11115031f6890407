using System.Text.Json.Serialization;

namespace Fjord.Broker.Operations;

/// <summary>The body of a health answer: <c>{"status":"not ready","reason":"fenced: …"}</c>.</summary>
public sealed record HealthStatus(
    string Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason);
