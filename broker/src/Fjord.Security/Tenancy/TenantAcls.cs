using Fjord.Security.Authorization;
using Fjord.Security.Principals;

namespace Fjord.Security.Tenancy;

/// <summary>
/// A tenant's ACLs as it writes and reads them, against their stored form. Resource names and principals get the
/// tenant's prefix; the tenant's <c>LITERAL *</c> ("every resource of mine") is stored as <c>PREFIXED acme.</c>,
/// which the authorizer matches against exactly the tenant's names, and read back as <c>LITERAL *</c>. The Cluster
/// resource needs no case of its own: <c>kafka-cluster</c> prefixed is the tenant's cluster resource name.
/// DescribeAcls and DeleteAcls filters are matched against the tenant's view of its own bindings, so every Kafka
/// filter rule (MATCH taking in <c>*</c> and prefixes, null meaning any) holds inside the namespace and nothing
/// outside it, the operator's global <c>LITERAL *</c> included, ever matches.
/// </summary>
public static class TenantAcls
{
    /// <summary>The resource types whose ACLs belong to the operator alone: users (impersonation, delegation) and tokens.</summary>
    public static bool IsOperatorOnly(ResourceType type) => type is ResourceType.User or ResourceType.DelegationToken;

    public static string OperatorOnlyMessage(ResourceType type) =>
        $"ACLs on {type.ToString().ToUpperInvariant()} resources are managed by the operator; a tenant can neither create nor see them.";

    /// <summary>The stored resource name and pattern type of a tenant's pattern (or filter's); an empty name stays empty, for the handler to refuse.</summary>
    public static (string Name, PatternType PatternType) ToStored(TenantScope tenant, string name, PatternType patternType)
    {
        if (name.Length == 0) return (name, patternType);
        if (patternType == PatternType.Literal && name == ResourcePattern.WildcardResource) return (tenant.Prefix, PatternType.Prefixed);
        return (tenant.ToStored(name), patternType);
    }

    /// <summary>The stored principal of one a tenant names; what does not parse stays as it is, for the handler to refuse (or match nothing).</summary>
    public static string ToStoredPrincipal(TenantScope tenant, string principal) =>
        KafkaPrincipal.TryParse(principal, out var parsed) ? tenant.ToStored(parsed).ToString() : principal;

    /// <summary>A stored binding as the tenant sees it; null when it is not the tenant's to see.</summary>
    public static AclBinding? ToClient(TenantScope tenant, AclBinding stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        return ToClient(tenant, stored.Pattern) is { } pattern && ToClientPrincipal(tenant, stored.Entry.Principal) is { } principal
            ? new AclBinding(pattern, stored.Entry with { Principal = principal })
            : null;
    }

    /// <summary>A stored resource pattern as the tenant sees it; null when it is not one of the tenant's.</summary>
    public static ResourcePattern? ToClient(TenantScope tenant, ResourcePattern stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        if (IsOperatorOnly(stored.ResourceType)) return null;
        if (stored.ResourceType == ResourceType.Cluster)
            return stored.Name == tenant.ClusterResourceName ? stored with { Name = ResourcePattern.ClusterResourceName } : null;
        if (stored.PatternType == PatternType.Prefixed && stored.Name == tenant.Prefix)
            return stored with { Name = ResourcePattern.WildcardResource, PatternType = PatternType.Literal };
        return tenant.TryToClient(stored.Name, out var name) ? stored with { Name = name } : null;
    }

    /// <summary>A stored principal (<c>User:acme.bob</c>) as the tenant knows it (<c>User:bob</c>); null when it is not the tenant's.</summary>
    public static string? ToClientPrincipal(TenantScope tenant, string stored) =>
        KafkaPrincipal.TryParse(stored, out var parsed) && tenant.TryToClient(parsed, out var principal) ? principal.ToString() : null;

    /// <summary>Keeps the items whose principal is the tenant's, renamed to the tenant's principal, in their order.</summary>
    public static void KeepOwnPrincipals<T>(TenantScope tenant, List<T> items, Func<T, string> principal, Action<T, string> rename)
    {
        var kept = 0;
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            if (ToClientPrincipal(tenant, principal(item)) is not { } client) continue;
            rename(item, client);
            items[kept++] = item;
        }
        items.RemoveRange(kept, items.Count - kept);
    }

    /// <summary>The filter a tenant sent, from its stored form (the inverse of the rewrite's <see cref="ToStored"/>).</summary>
    public static AclBindingFilter ToClient(TenantScope tenant, AclBindingFilter stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var (name, patternType) = (stored.ResourceName, stored.PatternType);
        if (patternType == PatternType.Prefixed && name == tenant.Prefix) (name, patternType) = (ResourcePattern.WildcardResource, PatternType.Literal);
        else if (name is not null && tenant.TryToClient(name, out var client)) name = client;
        // A principal filter that does not parse was left as sent, and matches nothing either way.
        var principal = stored.Principal is null ? null : ToClientPrincipal(tenant, stored.Principal) ?? stored.Principal;
        return stored with { ResourceName = name, PatternType = patternType, Principal = principal };
    }

    /// <summary>
    /// Which stored bindings a DescribeAcls or DeleteAcls filter reaches: for an operator, what the filter matches;
    /// for a tenant, its own bindings whose view the filter it sent matches.
    /// </summary>
    public static Func<AclBinding, bool> Matcher(TenantScope? tenant, AclBindingFilter storedFilter)
    {
        ArgumentNullException.ThrowIfNull(storedFilter);
        if (tenant is null) return storedFilter.Matches;
        var filter = ToClient(tenant, storedFilter);
        return binding => ToClient(tenant, binding) is { } view && filter.Matches(view);
    }

    /// <summary>
    /// What <see cref="AclValidation.ValidateBinding"/> is to check of a stored binding: a tenant's Cluster ACL is on
    /// its own cluster resource, which the validation knows by Kafka's one name.
    /// </summary>
    public static AclBinding ForValidation(TenantScope? tenant, AclBinding stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        return tenant is not null && stored.Pattern.ResourceType == ResourceType.Cluster && stored.Pattern.Name == tenant.ClusterResourceName
            ? stored with { Pattern = stored.Pattern with { Name = ResourcePattern.ClusterResourceName } }
            : stored;
    }
}
