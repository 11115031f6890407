namespace Fjord.Security.Authorization;

/// <summary>How <see cref="AclAuthorizer"/> decides beyond the ACLs themselves: Kafka's <c>super.users</c> and <c>allow.everyone.if.no.acl.found</c>.</summary>
public sealed record AuthorizerOptions
{
    /// <summary>Kafka bounds nothing here; we do, so a client cycling through topic names cannot grow the cache without limit.</summary>
    public const int DefaultDecisionCacheCapacity = 100_000;

    /// <summary>Principals (<c>User:admin</c>) allowed everything, whatever the ACLs say.</summary>
    public IReadOnlySet<string> SuperUsers { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>When no ACL at all applies to a resource: true allows everyone, false (Kafka's default) denies everyone but super users.</summary>
    public bool AllowEveryoneIfNoAclFound { get; init; }

    /// <summary>Decisions remembered per ACL snapshot; past this the cache starts over.</summary>
    public int DecisionCacheCapacity { get; init; } = DefaultDecisionCacheCapacity;

    /// <summary>
    /// Parses Kafka's <c>super.users</c> value: principals separated by ';' (not ',', because a certificate
    /// DN principal contains commas), surrounding whitespace ignored, empty entries skipped.
    /// </summary>
    public static IReadOnlySet<string> ParseSuperUsers(string? value)
    {
        var users = new HashSet<string>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(value)) return users;
        foreach (var part in value.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!Principals.KafkaPrincipal.TryParse(part, out _))
                throw new FormatException($"super.users entry '{part}' is not a principal of the form Type:Name (e.g. User:admin)");
            users.Add(part);
        }
        return users;
    }
}
