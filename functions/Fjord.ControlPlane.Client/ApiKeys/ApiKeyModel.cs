using System.Text.Json.Serialization;

namespace Fjord.ControlPlane.Client.ApiKeys;

/// <summary>
/// A control-plane API key as the API shows it: never its secret, except <see cref="Key"/> in the answer that created
/// it (the whole bearer token <c>fjk.&lt;id&gt;.&lt;secret&gt;</c>, shown that once). <see cref="Tenant"/> is null for
/// an operator key.
/// </summary>
public sealed record ApiKeyModel(
    string Id,
    string? Tenant,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    bool Expired,
    string Description,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Key = null)
{
    // The secret stays out of anything that prints the record (logs, exceptions, test output).
    public override string ToString() => $"ApiKeyModel {{ Id = {Id}, Tenant = {Tenant} }}";
}
