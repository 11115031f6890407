using System.Diagnostics.CodeAnalysis;

namespace Fjord.Security.Authentication;

/// <summary>RFC 5802's client-final-message: c=channel-binding,r=nonce[,extensions],p=proof.</summary>
internal sealed record ScramClientFinalMessage(string ChannelBinding, string Nonce, byte[] Proof, string WithoutProof)
{
    public static bool TryParse(string message, [NotNullWhen(true)] out ScramClientFinalMessage? parsed)
    {
        parsed = null;
        var proofStart = message.LastIndexOf(",p=", StringComparison.Ordinal);
        if (proofStart < 0)
            return false;
        var withoutProof = message[..proofStart];
        var proofText = message[(proofStart + 3)..];
        var attributes = withoutProof.Split(',');
        if (attributes.Length < 2 || !attributes[0].StartsWith("c=", StringComparison.Ordinal) || !attributes[1].StartsWith("r=", StringComparison.Ordinal))
            return false;
        if (!ScramExtensions.TryValidate(attributes.AsSpan(2), out _))
            return false;
        var proof = new byte[proofText.Length];
        if (proofText.Length == 0 || !Convert.TryFromBase64String(proofText, proof, out var written))
            return false;
        parsed = new ScramClientFinalMessage(attributes[0][2..], attributes[1][2..], proof[..written], withoutProof);
        return true;
    }
}
