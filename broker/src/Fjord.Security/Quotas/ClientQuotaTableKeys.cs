using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace Fjord.Security.Quotas;

/// <summary>
/// Keys of the client quota table. Every row lives in one partition so a change and the bump of the version row
/// commit in one entity-group transaction. An entity's row key lists its components in type order as
/// <c>type=name</c>, or <c>type~</c> for the default entity, joined by '|'; names keep letters, digits and
/// - _ . @ and escape everything else as '~' and four hex digits, so no name can fake a separator or a default.
/// A key that would be too long is a hash (the components are always in columns too).
/// </summary>
internal static class ClientQuotaTableKeys
{
    public const string Partition = "quotas";

    /// <summary>'!' is always escaped in names, and no type starts with it, so no entity row can take this key.</summary>
    public const string VersionRow = "!version";

    /// <summary>The entity's types in order, comma-separated; the names are in <see cref="NameColumn"/> columns.</summary>
    public const string TypesColumn = "Types";

    private const int MaxKeyLength = 400;

    public static string NameColumn(string type) => "Name_" + type.Replace('-', '_');

    public static string Row(ClientQuotaEntity entity)
    {
        var key = new StringBuilder();
        foreach (var (type, name) in entity.Components)
        {
            if (key.Length > 0) key.Append('|');
            Escape(key, type);
            if (name is null)
            {
                key.Append('~');
                continue;
            }
            key.Append('=');
            Escape(key, name);
            if (key.Length > MaxKeyLength) break;
        }
        return key.Length > MaxKeyLength ? "~h" + Convert.ToHexString(SHA256.HashData(MemoryMarshal.AsBytes(key.ToString().AsSpan()))) : key.ToString();
    }

    private static void Escape(StringBuilder key, string text)
    {
        foreach (var c in text)
        {
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '@')
                key.Append(c);
            else
                key.Append('~').Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
        }
    }
}
