using System.Globalization;

namespace Fjord.Security.Authentication;

/// <summary>
/// How OAUTHBEARER tokens are validated (KIP-768), under Kafka's broker config names so an operator's
/// server.properties carries over.
/// </summary>
public sealed class OAuthBearerOptions
{
    public const string ExpectedIssuerConfig = "sasl.oauthbearer.expected.issuer";
    public const string ExpectedAudienceConfig = "sasl.oauthbearer.expected.audience";
    public const string JwksEndpointUrlConfig = "sasl.oauthbearer.jwks.endpoint.url";
    public const string JwksEndpointRefreshMsConfig = "sasl.oauthbearer.jwks.endpoint.refresh.ms";
    public const string SubClaimNameConfig = "sasl.oauthbearer.sub.claim.name";
    public const string ScopeClaimNameConfig = "sasl.oauthbearer.scope.claim.name";

    /// <summary>Fjord's: the claim naming the token's tenant; the principal is then <c>tenant.subject</c>.</summary>
    public const string TenantClaimNameConfig = "fjord.sasl.oauthbearer.tenant.claim.name";
    public const string ClockSkewSecondsConfig = "sasl.oauthbearer.clock.skew.seconds";

    /// <summary>The token's iss must equal this; null accepts any issuer.</summary>
    public string? ExpectedIssuer { get; init; }

    /// <summary>The token's aud must name one of these; empty accepts any audience.</summary>
    public IReadOnlyList<string> ExpectedAudience { get; init; } = [];

    /// <summary>Where the signing keys are: https:// (the identity provider) or file:// (a JWKS on disk).</summary>
    public required Uri JwksEndpointUrl { get; init; }

    /// <summary>How often the JWKS is read again, so rotated keys are picked up (Kafka's default: an hour).</summary>
    public TimeSpan JwksEndpointRefresh { get; init; } = TimeSpan.FromHours(1);

    /// <summary>
    /// At most one extra JWKS read per this interval for tokens naming a key we do not know: a key just
    /// rotated in is found at once, while a flood of tokens with made-up key ids cannot hammer the provider.
    /// </summary>
    public TimeSpan UnknownKeyReloadInterval { get; init; } = TimeSpan.FromSeconds(10);

    public string SubClaimName { get; init; } = "sub";

    public string ScopeClaimName { get; init; } = "scope";

    /// <summary>
    /// When set, every token must carry this claim with a tenant id, and authenticates as <c>User:tenant.subject</c>:
    /// the identity provider, not the subject's spelling, says whose tenant a token is.
    /// </summary>
    public string? TenantClaimName { get; init; }

    public TimeSpan ClockSkew { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Reads the options from broker config under Kafka's names; the JWKS url is required.</summary>
    public static OAuthBearerOptions FromConfig(IReadOnlyDictionary<string, string> config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (!config.TryGetValue(JwksEndpointUrlConfig, out var url) || !Uri.TryCreate(url, UriKind.Absolute, out var jwks))
            throw new FormatException($"{JwksEndpointUrlConfig} must be an absolute https:// or file:// url");
        var defaults = new OAuthBearerOptions { JwksEndpointUrl = jwks };
        return new OAuthBearerOptions
        {
            JwksEndpointUrl = jwks,
            ExpectedIssuer = config.TryGetValue(ExpectedIssuerConfig, out var issuer) && issuer.Length > 0 ? issuer : null,
            ExpectedAudience = config.TryGetValue(ExpectedAudienceConfig, out var audience)
                ? audience.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                : [],
            JwksEndpointRefresh = config.TryGetValue(JwksEndpointRefreshMsConfig, out var refresh)
                ? TimeSpan.FromMilliseconds(ParsePositive(JwksEndpointRefreshMsConfig, refresh))
                : defaults.JwksEndpointRefresh,
            SubClaimName = config.TryGetValue(SubClaimNameConfig, out var sub) && sub.Length > 0 ? sub : defaults.SubClaimName,
            ScopeClaimName = config.TryGetValue(ScopeClaimNameConfig, out var scope) && scope.Length > 0 ? scope : defaults.ScopeClaimName,
            TenantClaimName = config.TryGetValue(TenantClaimNameConfig, out var tenant) && tenant.Length > 0 ? tenant : null,
            ClockSkew = config.TryGetValue(ClockSkewSecondsConfig, out var skew)
                ? TimeSpan.FromSeconds(ParsePositive(ClockSkewSecondsConfig, skew, allowZero: true))
                : defaults.ClockSkew,
        };
    }

    private static long ParsePositive(string name, string value, bool allowZero = false)
    {
        if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) || (parsed == 0 && !allowZero))
            throw new FormatException($"{name} must be a {(allowZero ? "non-negative" : "positive")} integer, not '{value}'");
        return parsed;
    }
}
