using Fjord.Functions.Http;

namespace Fjord.Functions.ApiKeys;

/// <summary>
/// The body of <c>POST /api/v1/apikeys</c> (and, without <c>tenant</c>, of <c>POST /api/v1/tenants/{tenant}/apikeys</c>):
/// the tenant the key is for (left out: an operator key), its lifetime in days (1 to 3650, default 90) and a
/// description of who or what holds it.
/// </summary>
public sealed record CreateApiKeyBody(string? Tenant = null, int LifetimeDays = CreateApiKeyBody.DefaultLifetimeDays, string? Description = null) : IRequestBody
{
    public const int DefaultLifetimeDays = 90;
    public const int MaxLifetimeDays = 3650;
    public const int MaxDescriptionLength = 200;

    public static string Example => """{"tenant": "acme", "lifetimeDays": 90, "description": "acme's CI"} (all optional; no tenant: an operator key)""";

    /// <summary>What is wrong with the lifetime or description, or null.</summary>
    public string? Problem()
    {
        if (LifetimeDays is < 1 or > MaxLifetimeDays) return $"lifetimeDays must be from 1 to {MaxLifetimeDays}, not {LifetimeDays}";
        if (Description is { Length: > MaxDescriptionLength }) return $"description is {Description.Length} characters long; at most {MaxDescriptionLength} are allowed";
        if (Description is not null && Description.Any(char.IsControl)) return "description contains a control character";
        return null;
    }
}
