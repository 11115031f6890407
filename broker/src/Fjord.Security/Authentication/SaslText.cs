using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Fjord.Security.Authentication;

/// <summary>Strict UTF-8 for SASL messages: invalid bytes make a message malformed instead of turning into U+FFFD.</summary>
internal static class SaslText
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static bool TryDecode(ReadOnlySpan<byte> bytes, [NotNullWhen(true)] out string? text)
    {
        try
        {
            text = Strict.GetString(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            text = null;
            return false;
        }
    }

    public static byte[] Encode(string text) => Strict.GetBytes(text);

    /// <summary>RFC 5802's printable: %x21-2B / %x2D-7E, i.e. visible ASCII but ','.</summary>
    public static bool IsPrintableNonce(ReadOnlySpan<char> nonce)
    {
        if (nonce.IsEmpty)
            return false;
        foreach (var c in nonce)
        {
            if (c is < '\x21' or > '\x7E' or ',')
                return false;
        }

        return true;
    }
}
