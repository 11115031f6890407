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
        if (!message.StartsWith("n,", StringComparison.Ordinal))
            return false;
        var headerEnd = message.IndexOf(',', 2);
        if (headerEnd < 0)
            return false;

        string? authzid = null;
        var authzPart = message[2..headerEnd];
        if (authzPart.Length > 0)
        {
            if (!authzPart.StartsWith("a=", StringComparison.Ordinal) || !ScramSaslName.TryDecode(authzPart[2..], out authzid) || authzid.Length == 0)
                return false;
        }

        var bare = message[(headerEnd + 1)..];
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

        parsed = new ScramClientFirstMessage(message[..(headerEnd + 1)], authzid, user, nonce, bare);
        return true;
    }
}
