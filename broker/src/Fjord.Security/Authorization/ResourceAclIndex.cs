namespace Fjord.Security.Authorization;

/// <summary>
/// The ACLs of one resource type, indexed so a decision looks at only the patterns that cover the resource:
/// literal names (the <c>*</c> wildcard among them) by name, and prefixed patterns by name within their
/// length, so a resource name is probed once per distinct prefix length instead of scanning every prefix.
/// </summary>
internal sealed class ResourceAclIndex
{
    private readonly Dictionary<string, PatternRules> _literal;
    private readonly Dictionary<string, PatternRules>.AlternateLookup<ReadOnlySpan<char>> _prefixed;
    private readonly int[] _prefixLengths;
    private readonly PatternRules? _wildcard;

    public ResourceAclIndex(IEnumerable<(ResourcePattern Pattern, AclRule Rule)> acls)
    {
        var literal = new Dictionary<string, List<AclRule>>(StringComparer.Ordinal);
        var prefixed = new Dictionary<string, List<AclRule>>(StringComparer.Ordinal);
        var all = new List<(ResourcePattern, AclRule)>();
        foreach (var (pattern, rule) in acls)
        {
            var byName = pattern.PatternType == PatternType.Prefixed ? prefixed : literal;
            if (!byName.TryGetValue(pattern.Name, out var rules))
                byName[pattern.Name] = rules = [];
            rules.Add(rule);
            all.Add((pattern, rule));
        }
        _literal = literal.ToDictionary(p => p.Key, p => new PatternRules(p.Value), StringComparer.Ordinal);
        _prefixed = prefixed.ToDictionary(p => p.Key, p => new PatternRules(p.Value), StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
        _prefixLengths = [.. prefixed.Keys.Select(k => k.Length).Distinct().Order()];
        _wildcard = _literal.GetValueOrDefault(ResourcePattern.WildcardResource);
        All = all;
    }

    /// <summary>Every ACL of the type, for the by-resource-type question, which has no resource name to index by.</summary>
    public IReadOnlyList<(ResourcePattern Pattern, AclRule Rule)> All { get; }

    /// <summary>
    /// Visits the rules of every pattern covering <paramref name="name"/>: the literal name, the literal
    /// <c>*</c>, and each prefixed pattern that is a prefix of the name. Stops early when the visitor says so.
    /// </summary>
    /// <returns>Whether any pattern covered the name at all (Kafka's "ACLs found for the resource").</returns>
    public bool Visit<TVisitor>(string name, ref TVisitor visitor)
        where TVisitor : struct, IAclRuleVisitor
    {
        var found = false;
        if (_literal.TryGetValue(name, out var exact))
        {
            found = true;
            if (!visitor.Visit(exact)) return true;
        }
        if (_wildcard is not null && !string.Equals(name, ResourcePattern.WildcardResource, StringComparison.Ordinal))
        {
            found = true;
            if (!visitor.Visit(_wildcard)) return true;
        }
        foreach (var length in _prefixLengths)
        {
            if (length > name.Length) break;
            if (_prefixed.TryGetValue(name.AsSpan(0, length), out var rules))
            {
                found = true;
                if (!visitor.Visit(rules)) return true;
            }
        }
        return found;
    }
}

/// <summary>What a decision does with the rules of each covering pattern; a struct so visiting does not allocate.</summary>
internal interface IAclRuleVisitor
{
    /// <returns>False to stop visiting (a Deny settles the decision).</returns>
    bool Visit(PatternRules rules);
}
