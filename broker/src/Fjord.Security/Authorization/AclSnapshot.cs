namespace Fjord.Security.Authorization;

/// <summary>An immutable view of every ACL at one store version, indexed by resource type, with its own decision cache.</summary>
internal sealed class AclSnapshot
{
    private readonly Dictionary<ResourceType, ResourceAclIndex> _byType;

    public AclSnapshot(IReadOnlyList<AclBinding> acls, long version, int decisionCacheCapacity)
    {
        ArgumentNullException.ThrowIfNull(acls);
        _byType = acls
            .Distinct()
            .GroupBy(b => b.Pattern.ResourceType)
            .ToDictionary(g => g.Key, g => new ResourceAclIndex(g.Select(b => (b.Pattern, new AclRule(b.Entry)))));
        Version = version;
        Count = acls.Count;
        Decisions = new DecisionCache(decisionCacheCapacity);
    }

    public long Version { get; }

    public int Count { get; }

    public DecisionCache Decisions { get; }

    public ResourceAclIndex? For(ResourceType resourceType) => _byType.GetValueOrDefault(resourceType);
}
