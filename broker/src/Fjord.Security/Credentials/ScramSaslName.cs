using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Fjord.Security.Credentials;

/// <summary>
/// RFC 5802's saslname: a user name with ',' written "=2C" and '=' written "=3D", so it can sit in a
/// comma-separated attribute list. Any other '=' makes the name invalid.
/// </summary>
public static class ScramSaslName
{
    public static string Encode(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Replace("=", "=3D", StringComparison.Ordinal).Replace(",", "=2C", StringComparison.Ordinal);
    }

    public static bool TryDecode(string saslName, [NotNullWhen(true)] out string? name)
    {
        ArgumentNullException.ThrowIfNull(saslName);
        name = null;
        if (saslName.Contains(',', StringComparison.Ordinal))
            return false;
        var decoded = new StringBuilder(saslName.Length);
        for (var i = 0; i < saslName.Length; i++)
        {
            if (saslName[i] != '=')
            {
                decoded.Append(saslName[i]);
                continue;
            }

            var escape = saslName.AsSpan(i);
            if (escape.StartsWith("=2C"))
                decoded.Append(',');
            else if (escape.StartsWith("=3D"))
                decoded.Append('=');
            else
                return false;
            i += 2;
        }

        name = decoded.ToString();
        return true;
    }
}
