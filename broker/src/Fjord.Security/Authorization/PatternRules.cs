namespace Fjord.Security.Authorization;

/// <summary>
/// The rules of one resource pattern, split by principal: a decision looks at the asking principal's rules and
/// the <c>User:*</c> ones only, so a pattern granted to thousands of users (a literal <c>*</c>, say) costs a
/// decision two lookups rather than a scan.
/// </summary>
internal sealed class PatternRules
{
    private static readonly AclRule[] None = [];

    private readonly Dictionary<string, AclRule[]> _byPrincipal;
    private readonly AclRule[] _anyPrincipal;

    public PatternRules(IEnumerable<AclRule> rules)
    {
        _byPrincipal = rules
            .Where(r => !string.Equals(r.Principal, AclRule.WildcardPrincipal, StringComparison.Ordinal))
            .GroupBy(r => r.Principal, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);
        _anyPrincipal = [.. rules.Where(r => string.Equals(r.Principal, AclRule.WildcardPrincipal, StringComparison.Ordinal))];
    }

    /// <summary>The rules naming <paramref name="principal"/> itself.</summary>
    public AclRule[] For(string principal) => _byPrincipal.GetValueOrDefault(principal, None);

    /// <summary>The rules naming <c>User:*</c>.</summary>
    public AclRule[] ForAnyPrincipal => _anyPrincipal;
}
