using Fjord.Security.Credentials;

namespace Fjord.Security.Authentication;

/// <summary>
/// The GS2 header that starts a SCRAM client-first message and an OAUTHBEARER initial response (RFC 5801):
/// <c>n,</c> (no channel binding: Kafka has none, so <c>y</c> and <c>p</c> are refused), an optional
/// <c>a=authzid</c>, then <c>,</c>.
/// </summary>
internal static class Gs2HeaderParser
{
    /// <summary>Reads the header; <paramref name="length"/> is where what follows it starts.</summary>
    public static bool TryParse(string message, out string? authorizationId, out int length)
    {
        authorizationId = null;
        length = 0;
        if (!message.StartsWith("n,", StringComparison.Ordinal))
            return false;
        var headerEnd = message.IndexOf(',', 2);
        if (headerEnd < 0)
            return false;
        var authzPart = message[2..headerEnd];
        if (authzPart.Length > 0 && (!authzPart.StartsWith("a=", StringComparison.Ordinal) || !ScramSaslName.TryDecode(authzPart[2..], out authorizationId)
            || authorizationId.Length == 0))
            return false;
        length = headerEnd + 1;
        return true;
    }
}
