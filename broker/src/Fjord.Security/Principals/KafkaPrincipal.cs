namespace Fjord.Security.Principals;

/// <summary>
/// Who a connection acts as, in Kafka's form <c>Type:Name</c> (<c>User:alice</c>, <c>User:CN=broker-1,O=Fjord</c>).
/// ACLs name principals in this form; <c>User:*</c> in an ACL matches every user.
/// </summary>
public sealed record KafkaPrincipal(string PrincipalType, string Name)
{
    public const string UserType = "User";

    /// <summary>Who a PLAINTEXT or SSL-without-client-certificate connection is, as in Kafka.</summary>
    public static readonly KafkaPrincipal Anonymous = new(UserType, "ANONYMOUS");

    /// <summary>The wildcard principal of ACLs: every user.</summary>
    public static readonly KafkaPrincipal Wildcard = new(UserType, "*");

    public static KafkaPrincipal User(string name) => new(UserType, name);

    /// <summary>Parses <c>Type:Name</c>; the name may itself contain colons (a DN).</summary>
    public static KafkaPrincipal Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var colon = value.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == value.Length - 1) throw new FormatException($"principal '{value}' is not Type:Name (e.g. User:alice)");
        return new KafkaPrincipal(value[..colon], value[(colon + 1)..]);
    }

    public static bool TryParse(string? value, out KafkaPrincipal principal)
    {
        principal = Anonymous;
        if (value is null) return false;
        var colon = value.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == value.Length - 1) return false;
        principal = new KafkaPrincipal(value[..colon], value[(colon + 1)..]);
        return true;
    }

    /// <summary>
    /// The tenant this principal belongs to, set when the broker resolved it at authentication; null for the
    /// operator's principals (super users, brokers) and wherever tenancy is not in play. Not part of identity: the
    /// name already carries the tenant's prefix.
    /// </summary>
    public string? TenantId { get; init; }

    private string? _text;

    /// <summary>Computed once: the authorizer's cache keys on it for every request.</summary>
    public override string ToString() => _text ??= $"{PrincipalType}:{Name}";

    // A record's generated equality compares every field, the _text cache included: a session's principal
    // (printed by the authorizer on its first request) then differed from a fresh User(name), so revoking a
    // SCRAM credential closed none of the user's live sessions. Identity is the type and the name only.
    public bool Equals(KafkaPrincipal? other) =>
        other is not null && string.Equals(PrincipalType, other.PrincipalType, StringComparison.Ordinal) && string.Equals(Name, other.Name, StringComparison.Ordinal);

    public override int GetHashCode() => HashCode.Combine(PrincipalType, Name);
}
