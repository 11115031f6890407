using System.Text.Json.Serialization;
using Fjord.ControlPlane.ApiKeys;

namespace Fjord.Functions.ApiKeys;

/// <summary>
/// An API key as the API shows it: never its secret, except <see cref="Key"/> in the answer that created it (the
/// whole bearer token, shown that once; only its hash is stored). <see cref="Tenant"/> is null for an operator key.
/// </summary>
public sealed record ApiKeyResource(
    string Id,
    string? Tenant,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    bool Expired,
    string Description,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Key = null)
{
    public static ApiKeyResource From(ApiKeyInfo key, DateTimeOffset now, string? secret = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        return new(key.KeyId, key.TenantId, key.CreatedAt, key.ExpiresAt, key.ExpiresAt <= now, key.Description, secret);
    }

    // The secret stays out of anything that prints the record (logs, exceptions, test output).
    public override string ToString() => $"ApiKeyResource {{ Id = {Id}, Tenant = {Tenant} }}";
}
