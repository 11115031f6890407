using System.Net;

namespace Fjord.Security.Authorization;

/// <summary>
/// Kafka's authorizeByResourceType (KIP-679), after the probe of a literal name has failed: among the ACLs of
/// the type that name the principal (or <c>User:*</c>), the host (or <c>*</c>) and the operation (or All) — no
/// implied operations here, as in Kafka — a Deny on literal <c>*</c> denies outright; an Allow on literal
/// <c>*</c> allows; otherwise some allowed literal name must be neither denied by name nor covered by a denied
/// prefix, or some allowed prefix must not be covered by a denied prefix.
/// </summary>
internal static class ResourceTypeAuthorization
{
    /// <param name="tenantWildcard">A tenant principal's <c>User:id.*</c>, which replaces <c>User:*</c> for it.</param>
    public static bool AnyAllowed(ResourceAclIndex? index, string principal, string? tenantWildcard, IPAddress host, AclOperation operation)
    {
        if (index is null) return false;
        var deniedLiterals = new HashSet<string>(StringComparer.Ordinal);
        var deniedPrefixes = new HashSet<string>(StringComparer.Ordinal);
        var allowed = new List<ResourcePattern>();
        var wildcardAllowed = false;
        foreach (var (pattern, rule) in index.All)
        {
            if (rule.Operation != operation && rule.Operation != AclOperation.All) continue;
            if (!rule.MatchesPrincipal(principal, tenantWildcard) || !rule.MatchesHost(host)) continue;
            var isWildcard = pattern.PatternType == PatternType.Literal && string.Equals(pattern.Name, ResourcePattern.WildcardResource, StringComparison.Ordinal);
            if (rule.PermissionType == AclPermissionType.Deny)
            {
                if (isWildcard) return false;
                (pattern.PatternType == PatternType.Prefixed ? deniedPrefixes : deniedLiterals).Add(pattern.Name);
            }
            else if (rule.PermissionType == AclPermissionType.Allow)
            {
                if (isWildcard) wildcardAllowed = true;
                else allowed.Add(pattern);
            }
        }
        if (wildcardAllowed) return true;

        var prefixLookup = deniedPrefixes.GetAlternateLookup<ReadOnlySpan<char>>();
        foreach (var pattern in allowed)
        {
            if (pattern.PatternType == PatternType.Literal && deniedLiterals.Contains(pattern.Name)) continue;
            if (!CoveredByDeniedPrefix(pattern.Name, prefixLookup)) return true;
        }
        return false;
    }

    private static bool CoveredByDeniedPrefix(string name, HashSet<string>.AlternateLookup<ReadOnlySpan<char>> deniedPrefixes)
    {
        for (var length = 1; length <= name.Length; length++)
        {
            if (deniedPrefixes.Contains(name.AsSpan(0, length))) return true;
        }
        return false;
    }
}
