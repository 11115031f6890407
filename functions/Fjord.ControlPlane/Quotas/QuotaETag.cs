using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Fjord.ControlPlane.Quotas;

/// <summary>
/// The HTTP entity tag of a tenant's quota cap, from its content (as <see cref="Tenants.TenantETag"/> for tenants): the
/// quota store keeps its row ETags to itself, and the content hash changes exactly when the cap does. A conditional
/// write checks it inside the store's compare-and-swap loop, against the very values the write replaces.
/// </summary>
public static class QuotaETag
{
    /// <summary>The quoted entity tag of <paramref name="cap"/>; the same for every empty cap.</summary>
    public static string Of(IReadOnlyDictionary<string, double> cap)
    {
        ArgumentNullException.ThrowIfNull(cap);
        var canonical = string.Join('\n', cap.OrderBy(e => e.Key, StringComparer.Ordinal)
            .Select(e => e.Key + "=" + e.Value.ToString("R", CultureInfo.InvariantCulture)));
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes("quotas\n" + canonical), hash);
        return "\"" + Convert.ToHexStringLower(hash[..16]) + "\"";
    }

    /// <summary>Whether an <c>If-Match</c> value allows a write over <paramref name="current"/>: <c>*</c> or one of its tags equal to the current one.</summary>
    public static bool Matches(string ifMatch, IReadOnlyDictionary<string, double> current)
    {
        ArgumentNullException.ThrowIfNull(ifMatch);
        var etag = Of(current);
        return ifMatch.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Any(part => part == "*" || part == etag);
    }
}
