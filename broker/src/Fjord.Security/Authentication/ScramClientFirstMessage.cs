using System.Diagnostics.CodeAnalysis;
using Fjord.Security.Credentials;

namespace Fjord.Security.Authentication;

/// <summary>
/// RFC 5802's client-first-message as Kafka accepts it: gs2 header "n," (no channel binding: Kafka has none,
/// so 'y' and 'p' are refused), an optional authzid, then n=saslname,r=nonce and optional extensions.
/// </summary>
internal sealed record ScramClientFirstMessage(string Gs2Header, string? AuthorizationId, string User, string Nonce, string Bare)
{
    /// <summary>Kafka's delegation-token extension; Fjord has no delegation tokens, so a client asking for one fails.</summary>
    private const string TokenAuthExtension = "tokenauth";

    public static bool TryParse(string message, [NotNullWhen(true)] out ScramClientFirstMessage? parsed)
    {
        parsed = null;
        if (!Gs2HeaderParser.TryParse(message, out var authzid, out var headerLength))
            return false;

        var bare = message[headerLength..];
        var attributes = bare.Split(',');
        // "m=" is reserved for mandatory extensions nobody defines: a server must refuse it (RFC 5802 §5.1).
        if (attributes.Length < 2 || !attributes[0].StartsWith("n=", StringComparison.Ordinal) || !attributes[1].StartsWith("r=", StringComparison.Ordinal))
            return false;
        if (!ScramSaslName.TryDecode(attributes[0][2..], out var user) || user.Length == 0)
            return false;
        var nonce = attributes[1][2..];
        if (!SaslText.IsPrintableNonce(nonce))
            return false;
        if (!ScramExtensions.TryValidate(attributes.AsSpan(2), out var extensions))
            return false;
        if (extensions.TryGetValue(TokenAuthExtension, out var tokenAuth) && !string.Equals(tokenAuth, "false", StringComparison.OrdinalIgnoreCase))
            return false;
        if (authzid is not null && authzid != user)
            return false;

        parsed = new ScramClientFirstMessage(message[..headerLength], authzid, user, nonce, bare);
        return true;
    }
}
