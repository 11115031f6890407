using Fjord.Functions.Http;

namespace Fjord.Functions.Tenants;

/// <summary>The body of <c>PUT /api/v1/tenants/{tenant}</c>. Both fields may be left out: the id as display name, no limits.</summary>
public sealed record CreateTenantBody(string? DisplayName = null, TenantLimitsBody? Limits = null) : IRequestBody
{
    public static string Example => """{"displayName": "Acme Corp", "limits": """ + TenantLimitsBody.Example + "}";
}
