using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace Fjord.Security.Authorization;

/// <summary>
/// Keys of the ACL table. Every row shares one partition, so a change and its version bump commit in one
/// entity-group transaction. A binding's row key is a hash of all seven fields, length-prefixed so no two
/// bindings encode alike: deterministic (creating a binding twice writes one row), always a valid key whatever
/// characters the names hold (row keys forbid / \ # ? and control characters), and of fixed size.
/// </summary>
internal static class AclTableKeys
{
    public const string Partition = "acls";

    /// <summary>Not hex after "acl-", so no binding's key can equal it.</summary>
    public const string VersionRow = "version";

    private const string BindingPrefix = "acl-";

    public static string Row(AclBinding binding)
    {
        var (pattern, entry) = (binding.Pattern, binding.Entry);
        var canonical = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"{(int)pattern.ResourceType}|{(int)pattern.PatternType}|{(int)entry.Operation}|{(int)entry.PermissionType}");
        foreach (var text in (ReadOnlySpan<string>)[pattern.Name, entry.Principal, entry.Host])
            canonical.Append(CultureInfo.InvariantCulture, $"|{text.Length}:").Append(text);
        // Hash the UTF-16 units, not UTF-8, so names differing only in lone surrogates stay apart.
        var hash = SHA256.HashData(MemoryMarshal.AsBytes(canonical.ToString().AsSpan()));
        return BindingPrefix + Convert.ToHexStringLower(hash);
    }
}
