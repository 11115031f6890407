using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Fjord.Security.Tenancy;

namespace Fjord.ControlPlane.Tenants;

/// <summary>
/// A tenant's HTTP entity tag, derived from its content rather than from the Table row's ETag: the store does not
/// expose row ETags, and a content hash changes exactly when the representation does, so it is a valid strong
/// validator. A conditional write checks it inside the store's compare-and-swap loop, against the very version the
/// write replaces, so a concurrent change between the check and the write cannot slip through.
/// </summary>
public static class TenantETag
{
    /// <summary>The quoted entity tag of <paramref name="tenant"/>, e.g. <c>"3f2a…"</c>.</summary>
    public static string Of(Tenant tenant)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        var limits = tenant.Limits;
        var canonical = string.Join('\n',
            tenant.Id,
            tenant.DisplayName,
            tenant.State.ToString(),
            tenant.ClusterId,
            tenant.CreatedAt.UtcTicks.ToString(CultureInfo.InvariantCulture),
            Limit(limits.MaxTopics),
            Limit(limits.MaxPartitions),
            Limit(limits.MaxRetainedBytes),
            Limit(limits.MaxConnections));
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(canonical), hash);
        return "\"" + Convert.ToHexStringLower(hash[..16]) + "\"";
    }

    /// <summary>
    /// Whether an <c>If-Match</c> header value allows a write over <paramref name="current"/>: null (no header) and
    /// <c>*</c> always do; otherwise one of its comma-separated tags must equal the current one. Weak tags never
    /// match, as RFC 9110 requires of If-Match.
    /// </summary>
    public static bool Matches(string? ifMatch, Tenant current)
    {
        if (ifMatch is null) return true;
        var etag = Of(current);
        foreach (var part in ifMatch.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == "*" || part == etag) return true;
        }
        return false;
    }

    private static string Limit<T>(T? value) where T : struct, IFormattable =>
        value is { } v ? v.ToString(null, CultureInfo.InvariantCulture) : "-";
}
