using System.Text.Json.Serialization;

namespace Fjord.ControlPlane.Client.Tenants;

/// <summary>
/// A tenant as the API shows it. <see cref="ETag"/> is the answer's <c>ETag</c> header (null in a list, which carries
/// none): pass it back as <c>ifMatch</c> to change the tenant only if nobody else has meanwhile.
/// </summary>
public sealed record TenantModel(
    string Id,
    string DisplayName,
    TenantStatus State,
    string ClusterId,
    TenantLimitsModel Limits,
    DateTimeOffset CreatedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] AdminCredentialsModel? Admin = null)
{
    [JsonIgnore]
    public string? ETag { get; init; }
}
