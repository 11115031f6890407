using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Fjord.Security.Authentication;

/// <summary>
/// Validates OAUTHBEARER access tokens as Kafka's KIP-768 validator does: a JWS signed by a key of the
/// configured JWKS (unsigned tokens and "alg":"none" refused; only asymmetric algorithms, so a public key
/// can never be used as an HMAC secret), an exp claim not past (with the clock skew), nbf if present,
/// the issuer and audience when configured, and a non-empty subject claim, which becomes the principal name.
/// Time comes from the <see cref="TimeProvider"/>, not the library's clock, so tests control expiry.
/// </summary>
public sealed partial class OAuthBearerValidator : IDisposable
{
    private static readonly string[] AsymmetricAlgorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    ];

    private readonly OAuthBearerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly JwksKeySource _keys;
    private readonly JsonWebTokenHandler _handler = new();

    public OAuthBearerValidator(OAuthBearerOptions options, TimeProvider timeProvider, ILogger logger, HttpClient? jwksHttpClient = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentException.ThrowIfNullOrEmpty(options.SubClaimName);
        _options = options;
        _time = timeProvider;
        _logger = logger;
        _keys = new JwksKeySource(options, timeProvider, jwksHttpClient, logger);
    }

    /// <summary>Reads the JWKS now, so the first login does not wait for it (optional).</summary>
    public Task LoadKeysAsync(CancellationToken ct) => _keys.LoadAsync(ct);

    public async Task<OAuthBearerValidationResult> ValidateAsync(string token, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(token);
        var result = await ValidateCoreAsync(token, ct).ConfigureAwait(false);
        if (!result.IsValid)
            Log.Rejected(_logger, result.FailureReason!);
        return result;
    }

    public void Dispose() => _keys.Dispose();

    private async Task<OAuthBearerValidationResult> ValidateCoreAsync(string token, CancellationToken ct)
    {
        JsonWebToken jwt;
        try
        {
            jwt = new JsonWebToken(token);
        }
        catch (Exception e) when (e is ArgumentException or SecurityTokenException or JsonException or FormatException)
        {
            return OAuthBearerValidationResult.Invalid("the token is not a JWT");
        }

        if (jwt.IsEncrypted)
            return OAuthBearerValidationResult.Invalid("encrypted tokens are not supported");
        if (string.IsNullOrEmpty(jwt.Alg) || string.Equals(jwt.Alg, "none", StringComparison.OrdinalIgnoreCase))
            return OAuthBearerValidationResult.Invalid("the token is not signed");

        var keys = await _keys.GetKeysAsync(jwt.Kid, ct).ConfigureAwait(false);
        if (keys.Count == 0)
            return OAuthBearerValidationResult.Invalid("no signing keys are available");

        var parameters = new TokenValidationParameters
        {
            IssuerSigningKeys = keys,
            RequireSignedTokens = true,
            ValidAlgorithms = AsymmetricAlgorithms,
            TryAllIssuerSigningKeys = true,
            ValidateIssuer = _options.ExpectedIssuer is not null,
            ValidIssuer = _options.ExpectedIssuer,
            ValidateAudience = _options.ExpectedAudience.Count > 0,
            ValidAudiences = _options.ExpectedAudience,
            // Lifetime is checked below against the TimeProvider; the library would use the wall clock.
            ValidateLifetime = false,
            RequireExpirationTime = false,
        };
        var validation = await _handler.ValidateTokenAsync(jwt, parameters).ConfigureAwait(false);
        if (!validation.IsValid)
            return OAuthBearerValidationResult.Invalid($"{validation.Exception?.GetType().Name}: {validation.Exception?.Message}");

        if (!jwt.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Exp, out var exp))
            return OAuthBearerValidationResult.Invalid("the token has no exp claim");
        var now = _time.GetUtcNow();
        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(exp);
        if (now - _options.ClockSkew >= expiresAt)
            return OAuthBearerValidationResult.Expired($"the token expired at {expiresAt:O}");
        if (jwt.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Nbf, out var nbf) && now + _options.ClockSkew < DateTimeOffset.FromUnixTimeSeconds(nbf))
            return OAuthBearerValidationResult.Invalid("the token is not valid yet (nbf)");

        if (!jwt.TryGetPayloadValue<string>(_options.SubClaimName, out var subject) || string.IsNullOrWhiteSpace(subject))
            return OAuthBearerValidationResult.Invalid($"the token has no '{_options.SubClaimName}' claim");

        if (_options.TenantClaimName is { } tenantClaim)
        {
            if (!jwt.TryGetPayloadValue<string>(tenantClaim, out var tenant) || Tenancy.TenantNamespace.IdProblem(tenant) is not null)
                return OAuthBearerValidationResult.Invalid($"the token has no valid '{tenantClaim}' claim naming its tenant");
            subject = tenant + Tenancy.TenantNamespace.Separator + subject;
        }

        return OAuthBearerValidationResult.Valid(subject, expiresAt, ReadScopes(jwt));
    }

    /// <summary>A scope claim is a space-separated string (RFC 8693) or, from some providers, an array (one claim per element).</summary>
    private IReadOnlyList<string> ReadScopes(JsonWebToken jwt) =>
        [.. jwt.Claims.Where(c => c.Type == _options.ScopeClaimName).SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))];

    private static partial class Log
    {
        [LoggerMessage(EventId = 7621, Level = LogLevel.Information, Message = "OAUTHBEARER token rejected: {Reason}")]
        public static partial void Rejected(ILogger logger, string reason);
    }
}
