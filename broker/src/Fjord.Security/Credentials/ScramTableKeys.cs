using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace Fjord.Security.Credentials;

/// <summary>
/// Keys of the SCRAM credential table. Every row lives in one partition so a credential change and the bump
/// of the version row commit in one entity-group transaction. A credential's row key is the escaped user name,
/// '|', and the mechanism's name, so a user's rows sort together. Row keys forbid / \ # ? and control
/// characters, so everything but letters, digits and - _ . @ is escaped as '~' and four hex digits of its
/// UTF-16 unit; names whose escape would be too long are keyed by a hash (the name is always in a column).
/// </summary>
internal static class ScramTableKeys
{
    public const string Partition = "scram";

    /// <summary>'!' is always escaped in user names, so no credential row can take this key.</summary>
    public const string VersionRow = "!version";

    private const int MaxEscapedLength = 400;
    private const string HashedPrefix = "~h";

    public static string Row(string user, ScramMechanism mechanism) => EscapeUser(user) + "|" + mechanism.MechanismName();

    internal static string EscapeUser(string user)
    {
        var escaped = new StringBuilder(user.Length);
        foreach (var c in user)
        {
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '@')
                escaped.Append(c);
            else
                escaped.Append('~').Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            if (escaped.Length > MaxEscapedLength)
                return HashedPrefix + Convert.ToHexString(SHA256.HashData(MemoryMarshal.AsBytes(user.AsSpan())));
        }

        return escaped.ToString();
    }
}
