using System.Diagnostics.CodeAnalysis;

namespace Fjord.Security.Authentication;

/// <summary>
/// The OAUTHBEARER client initial response of RFC 7628 §3.1, as Kafka's OAuthBearerClientInitialResponse reads it:
/// <c>n,[a=authzid],</c> then 0x01-separated <c>key=value</c> pairs, one of them <c>auth=Bearer &lt;token&gt;</c>,
/// and a final 0x01. Other pairs are SASL extensions (KIP-342), kept but not interpreted.
/// </summary>
internal sealed record OAuthBearerClientInitialResponse(string Token, string? AuthorizationId, IReadOnlyDictionary<string, string> Extensions)
{
    private const char Separator = '\u0001';
    private const string AuthKey = "auth";

    public static bool TryParse(string message, [NotNullWhen(true)] out OAuthBearerClientInitialResponse? parsed)
    {
        parsed = null;
        if (!Gs2HeaderParser.TryParse(message, out var authzid, out var headerLength))
            return false;

        var rest = message[headerLength..];
        if (rest.Length < 3 || rest[0] != Separator || !rest.EndsWith($"{Separator}{Separator}", StringComparison.Ordinal))
            return false;
        var pairs = rest[1..^2].Split(Separator);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || !IsKey(pair.AsSpan(0, eq)) || !IsValue(pair.AsSpan(eq + 1)) || !values.TryAdd(pair[..eq], pair[(eq + 1)..]))
                return false;
        }

        if (!values.Remove(AuthKey, out var auth) || !TryReadBearer(auth, out var token))
            return false;
        parsed = new OAuthBearerClientInitialResponse(token, authzid, values);
        return true;
    }

    /// <summary>"Bearer" (any case), spaces, then RFC 6750's b64token: ALPHA DIGIT - . _ ~ + / then '=' padding.</summary>
    private static bool TryReadBearer(string auth, [NotNullWhen(true)] out string? token)
    {
        token = null;
        const string Scheme = "Bearer";
        if (!auth.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) || auth.Length <= Scheme.Length || auth[Scheme.Length] != ' ')
            return false;
        var candidate = auth[Scheme.Length..].TrimStart(' ');
        var padding = candidate.Length - candidate.TrimEnd('=').Length;
        var body = candidate.AsSpan(0, candidate.Length - padding);
        if (body.IsEmpty)
            return false;
        foreach (var c in body)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '.' or '_' or '~' or '+' or '/'))
                return false;
        }

        token = candidate;
        return true;
    }

    private static bool IsKey(ReadOnlySpan<char> key)
    {
        foreach (var c in key)
        {
            if (!char.IsAsciiLetter(c))
                return false;
        }

        return true;
    }

    /// <summary>RFC 7628's value: visible ASCII, space, tab, CR, LF.</summary>
    private static bool IsValue(ReadOnlySpan<char> value)
    {
        foreach (var c in value)
        {
            if (c is not ((>= '\x21' and <= '\x7E') or ' ' or '\t' or '\r' or '\n'))
                return false;
        }

        return true;
    }
}
