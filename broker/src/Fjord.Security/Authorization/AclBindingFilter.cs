namespace Fjord.Security.Authorization;

/// <summary>
/// DescribeAcls / DeleteAcls filter, with Kafka's semantics: a null string matches any value, Any matches
/// every enum value, and PatternType Match matches the literal name, the <c>*</c> wildcard and every
/// prefixed pattern that is a prefix of the name.
/// </summary>
public sealed record AclBindingFilter(
    ResourceType ResourceType,
    string? ResourceName,
    PatternType PatternType,
    string? Principal,
    string? Host,
    AclOperation Operation,
    AclPermissionType PermissionType)
{
    /// <summary>Matches every ACL.</summary>
    public static readonly AclBindingFilter Any = new(ResourceType.Any, null, PatternType.Any, null, null, AclOperation.Any, AclPermissionType.Any);

    /// <summary>The filter that matches exactly this binding and no other.</summary>
    public static AclBindingFilter For(AclBinding binding)
    {
        ArgumentNullException.ThrowIfNull(binding);
        return new(binding.Pattern.ResourceType, binding.Pattern.Name, binding.Pattern.PatternType,
            binding.Entry.Principal, binding.Entry.Host, binding.Entry.Operation, binding.Entry.PermissionType);
    }

    public bool Matches(AclBinding binding)
    {
        ArgumentNullException.ThrowIfNull(binding);
        return MatchesPattern(binding.Pattern) && MatchesEntry(binding.Entry);
    }

    /// <summary>Kafka's ResourcePatternFilter.matches.</summary>
    public bool MatchesPattern(ResourcePattern pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        if (ResourceType != ResourceType.Any && ResourceType != pattern.ResourceType) return false;
        if (PatternType is not (PatternType.Any or PatternType.Match) && PatternType != pattern.PatternType) return false;
        if (ResourceName is null) return true;
        if (PatternType == PatternType.Any || PatternType == pattern.PatternType)
            return string.Equals(ResourceName, pattern.Name, StringComparison.Ordinal);
        // Match: the patterns that would apply to a resource of this name.
        return pattern.PatternType switch
        {
            PatternType.Literal => string.Equals(ResourceName, pattern.Name, StringComparison.Ordinal)
                || string.Equals(pattern.Name, ResourcePattern.WildcardResource, StringComparison.Ordinal),
            PatternType.Prefixed => ResourceName.StartsWith(pattern.Name, StringComparison.Ordinal),
            _ => false,
        };
    }

    /// <summary>Kafka's AccessControlEntryFilter.matches.</summary>
    public bool MatchesEntry(AccessControlEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (Principal is not null && !string.Equals(Principal, entry.Principal, StringComparison.Ordinal)) return false;
        if (Host is not null && !string.Equals(Host, entry.Host, StringComparison.Ordinal)) return false;
        if (Operation != AclOperation.Any && Operation != entry.Operation) return false;
        return PermissionType == AclPermissionType.Any || PermissionType == entry.PermissionType;
    }

    /// <summary>True when the filter pins every field, so it can match one binding at most.</summary>
    public bool MatchesAtMostOne => FindIndefiniteField() is null;

    /// <summary>Kafka's findIndefiniteField: the first field that lets the filter match more than one binding, described; null if none.</summary>
    public string? FindIndefiniteField()
    {
        if (ResourceType == ResourceType.Any) return "Resource type is ANY.";
        if (ResourceType == ResourceType.Unknown) return "Resource type is UNKNOWN.";
        if (ResourceName is null) return "Resource name is NULL.";
        if (PatternType == PatternType.Any) return "Resource pattern type is ANY.";
        if (PatternType == PatternType.Match) return "Resource pattern type is MATCH.";
        if (PatternType == PatternType.Unknown) return "Resource pattern type is UNKNOWN.";
        if (Principal is null) return "Principal is NULL.";
        if (Host is null) return "Host is NULL.";
        if (Operation == AclOperation.Any) return "Operation is ANY.";
        if (Operation == AclOperation.Unknown) return "Operation is UNKNOWN.";
        if (PermissionType == AclPermissionType.Any) return "Permission type is ANY.";
        if (PermissionType == AclPermissionType.Unknown) return "Permission type is UNKNOWN.";
        return null;
    }
}
