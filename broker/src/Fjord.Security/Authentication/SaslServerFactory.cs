using Fjord.Security.Credentials;

namespace Fjord.Security.Authentication;

/// <summary>
/// Makes the server side of an exchange for a mechanism a client asked for in SaslHandshake, if the listener
/// enables it (sasl.enabled.mechanisms). Names are case-sensitive, as in Kafka.
/// </summary>
public sealed class SaslServerFactory
{
    private readonly IScramCredentialLookup _credentials;
    private readonly OAuthBearerValidator? _oauthBearerValidator;

    public SaslServerFactory(IEnumerable<string> enabledMechanisms, IScramCredentialLookup credentials, OAuthBearerValidator? oauthBearerValidator = null)
    {
        ArgumentNullException.ThrowIfNull(enabledMechanisms);
        ArgumentNullException.ThrowIfNull(credentials);
        var enabled = enabledMechanisms.Distinct(StringComparer.Ordinal).ToArray();
        var unsupported = enabled.FirstOrDefault(m => !SaslMechanismNames.Supported.Contains(m, StringComparer.Ordinal));
        if (unsupported is not null)
            throw new ArgumentException($"SASL mechanism '{unsupported}' is not supported; Fjord supports {string.Join(", ", SaslMechanismNames.Supported)}", nameof(enabledMechanisms));
        if (oauthBearerValidator is null && enabled.Contains(SaslMechanismNames.OAuthBearer, StringComparer.Ordinal))
            throw new ArgumentException("OAUTHBEARER is enabled but no token validator is configured", nameof(oauthBearerValidator));
        EnabledMechanisms = enabled;
        _credentials = credentials;
        _oauthBearerValidator = oauthBearerValidator;
    }

    /// <summary>What SaslHandshake answers with, in configuration order.</summary>
    public IReadOnlyList<string> EnabledMechanisms { get; }

    /// <summary>A fresh server for one exchange, or null when the mechanism is not enabled here.</summary>
    public ISaslServer? Create(string mechanism)
    {
        if (mechanism is null || !EnabledMechanisms.Contains(mechanism, StringComparer.Ordinal))
            return null;
        return mechanism switch
        {
            SaslMechanismNames.Plain => new PlainSaslServer(_credentials),
            SaslMechanismNames.ScramSha256 => new ScramSaslServer(ScramMechanism.ScramSha256, _credentials),
            SaslMechanismNames.ScramSha512 => new ScramSaslServer(ScramMechanism.ScramSha512, _credentials),
            SaslMechanismNames.OAuthBearer => new OAuthBearerSaslServer(_oauthBearerValidator!),
            _ => null,
        };
    }
}
