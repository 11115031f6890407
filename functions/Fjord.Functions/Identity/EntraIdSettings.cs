using Fjord.ControlPlane.Identity;
using Microsoft.Extensions.Configuration;

namespace Fjord.Functions.Identity;

/// <summary>
/// Entra ID sign-in for the API, read from app settings; off unless <c>FJORD_ENTRA_AUDIENCE</c> is set:
/// <list type="bullet">
/// <item><c>FJORD_ENTRA_AUDIENCE</c>: the control plane's app registration (client id or Application ID URI; several comma-separated).</item>
/// <item><c>FJORD_ENTRA_TENANT_ID</c>: the directory's id; gives the issuer and signing keys of the public cloud.</item>
/// <item><c>FJORD_ENTRA_ISSUER</c>, <c>FJORD_ENTRA_JWKS_URL</c>: instead of, or overriding, the directory id (other clouds, tests).</item>
/// <item><c>FJORD_ENTRA_OPERATOR_ROLE</c> (default <c>Fjord.Operator</c>), <c>FJORD_ENTRA_TENANT_ROLE_PREFIX</c> (default <c>Fjord.Tenant.</c>): the app roles that make a token an operator's or one tenant's.</item>
/// </list>
/// </summary>
public static class EntraIdSettings
{
    public const string AudienceSetting = "FJORD_ENTRA_AUDIENCE";
    public const string DirectorySetting = "FJORD_ENTRA_TENANT_ID";
    public const string IssuerSetting = "FJORD_ENTRA_ISSUER";
    public const string JwksUrlSetting = "FJORD_ENTRA_JWKS_URL";
    public const string OperatorRoleSetting = "FJORD_ENTRA_OPERATOR_ROLE";
    public const string TenantRolePrefixSetting = "FJORD_ENTRA_TENANT_ROLE_PREFIX";

    /// <summary>The options, or null when Entra ID is not configured. A half-made configuration fails loudly rather than silently accepting only keys.</summary>
    public static EntraIdOptions? From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var audience = NonEmpty(configuration[AudienceSetting]);
        if (audience is null) return null;
        var audiences = audience.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var directory = NonEmpty(configuration[DirectorySetting]);
        var issuer = NonEmpty(configuration[IssuerSetting]);
        var jwks = NonEmpty(configuration[JwksUrlSetting]);
        EntraIdOptions options;
        if (directory is not null)
        {
            options = EntraIdOptions.ForDirectory(directory, audiences);
        }
        else if (issuer is not null && jwks is not null)
        {
            options = new EntraIdOptions { Issuer = issuer, Audiences = audiences, JwksUrl = AbsoluteUri(jwks) };
        }
        else
        {
            throw new InvalidOperationException($"{AudienceSetting} is set, so Entra ID tokens are accepted: also set {DirectorySetting}, or both {IssuerSetting} and {JwksUrlSetting}.");
        }
        return options with
        {
            Issuer = issuer ?? options.Issuer,
            JwksUrl = jwks is null ? options.JwksUrl : AbsoluteUri(jwks),
            OperatorRole = NonEmpty(configuration[OperatorRoleSetting]) ?? options.OperatorRole,
            TenantRolePrefix = NonEmpty(configuration[TenantRolePrefixSetting]) ?? options.TenantRolePrefix,
        };
    }

    private static Uri AbsoluteUri(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) ? uri : throw new InvalidOperationException($"{JwksUrlSetting} '{value}' is not an absolute URL.");

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
