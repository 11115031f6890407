namespace Fjord.ControlPlane.Identity;

/// <summary>
/// How the control plane accepts Microsoft Entra ID access tokens in place of API keys. The app roles of the
/// control plane's app registration decide what a token may do: <see cref="OperatorRole"/> acts on every tenant,
/// <c><see cref="TenantRolePrefix"/>&lt;tenant&gt;</c> on that tenant only. A token with neither is refused.
/// </summary>
public sealed record EntraIdOptions
{
    public const string DefaultOperatorRole = "Fjord.Operator";
    public const string DefaultTenantRolePrefix = "Fjord.Tenant.";

    /// <summary>The token's <c>iss</c>, e.g. <c>https://login.microsoftonline.com/&lt;directory id&gt;/v2.0</c>.</summary>
    public required string Issuer { get; init; }

    /// <summary>The token's <c>aud</c>: the app registration's client id or Application ID URI.</summary>
    public required IReadOnlyList<string> Audiences { get; init; }

    /// <summary>The directory's signing keys, e.g. <c>https://login.microsoftonline.com/&lt;directory id&gt;/discovery/v2.0/keys</c> (file:// in tests).</summary>
    public required Uri JwksUrl { get; init; }

    public string OperatorRole { get; init; } = DefaultOperatorRole;

    public string TenantRolePrefix { get; init; } = DefaultTenantRolePrefix;

    /// <summary>The claim that names the caller in logs and listings: Entra's object id of the user or service principal.</summary>
    public string SubjectClaim { get; init; } = "oid";

    /// <summary>The options of a directory in the public cloud, from its id alone.</summary>
    public static EntraIdOptions ForDirectory(string directoryId, IReadOnlyList<string> audiences)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directoryId);
        ArgumentNullException.ThrowIfNull(audiences);
        if (!Guid.TryParse(directoryId, out var id))
            throw new ArgumentException($"An Entra directory (tenant) id is a GUID, not '{directoryId}'", nameof(directoryId));
        return new EntraIdOptions
        {
            Issuer = $"https://login.microsoftonline.com/{id:D}/v2.0",
            Audiences = audiences,
            JwksUrl = new Uri($"https://login.microsoftonline.com/{id:D}/discovery/v2.0/keys"),
        };
    }
}
