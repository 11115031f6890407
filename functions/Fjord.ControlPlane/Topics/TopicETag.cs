using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Fjord.ControlPlane.Topics;

/// <summary>
/// A topic's HTTP entity tag: a hash of its id, partition count, replication factor and configs, the parts a write
/// can change. A re-created topic has a new id, so an ETag never matches another incarnation of the name.
/// Leaders and ISRs are not in it: they move without anyone editing the topic.
/// </summary>
public static class TopicETag
{
    public static string Of(TopicView topic)
    {
        ArgumentNullException.ThrowIfNull(topic);
        var canonical = new StringBuilder()
            .Append(topic.TopicId.ToString("N")).Append('\n')
            .Append(topic.Partitions.ToString(CultureInfo.InvariantCulture)).Append('\n')
            .Append(topic.ReplicationFactor.ToString(CultureInfo.InvariantCulture));
        foreach (var (name, value) in topic.Configs.OrderBy(c => c.Key, StringComparer.Ordinal))
            canonical.Append('\n').Append(name).Append('=').Append(value);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString()), hash);
        return "\"" + Convert.ToHexStringLower(hash[..16]) + "\"";
    }

    /// <summary>Whether an If-Match value allows a write over <paramref name="current"/>: absent and <c>*</c> always do; weak tags never match (RFC 9110).</summary>
    public static bool Matches(string? ifMatch, TopicView current)
    {
        if (ifMatch is null) return true;
        var etag = Of(current);
        foreach (var part in ifMatch.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            if (part == "*" || part == etag) return true;
        return false;
    }

    public static bool SameConfigs(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Count != b.Count) return false;
        foreach (var (name, value) in a)
            if (!b.TryGetValue(name, out var other) || !string.Equals(value, other, StringComparison.Ordinal)) return false;
        return true;
    }
}
