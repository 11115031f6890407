using Fjord.Security.Tenancy;

namespace Fjord.ControlPlane.Users;

/// <summary>
/// Which user names the control plane creates. Kafka takes any non-empty name; the API narrows that to ASCII
/// letters, digits and <c>. _ - @</c>, the characters that need no escaping in a URL path, a SASL username, a
/// properties file or the credential table's row key, so the name an operator types is the name a client logs in
/// with. Users made through Kafka's AlterUserScramCredentials with other names are still listed and deleted.
/// </summary>
public static class UserNames
{
    /// <summary>The longest stored SASL username (<c>tenant.user</c>): Kafka's longest topic name, so user and topic limits read alike.</summary>
    public const int MaxStoredLength = TenantNamespace.MaxTopicNameLength;

    /// <summary>Reserved: in a tenant's ACLs <c>User:*</c> means every user of the tenant, stored as <c>User:tenant.*</c>.</summary>
    public const string Wildcard = "*";

    /// <summary>The longest user name <paramref name="tenantId"/> may create.</summary>
    public static int MaxLength(string tenantId)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        return MaxStoredLength - tenantId.Length - 1;
    }

    /// <summary>What is wrong with <paramref name="user"/> as a new user of <paramref name="tenantId"/>, or null.</summary>
    public static string? Problem(string tenantId, string? user)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        if (string.IsNullOrEmpty(user)) return "A user name is empty";
        if (user == Wildcard) return "User name * is reserved: in ACLs User:* means every user of the tenant";
        var max = MaxLength(tenantId);
        if (user.Length > max)
            return $"User name '{Shorten(user)}' is {user.Length} characters long; tenant {tenantId}'s users may have at most {max}";
        foreach (var c in user)
        {
            if (!IsLegal(c))
                return $"User name '{Shorten(user)}' contains {Describe(c)}; legal characters are A-Z, a-z, 0-9, '.', '_', '-' and '@'";
        }
        return null;
    }

    private static bool IsLegal(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '@';

    private static string Describe(char c) => char.IsControl(c) || char.IsWhiteSpace(c) ? $"U+{(int)c:X4}" : $"'{c}'";

    private static string Shorten(string user) => user.Length <= 40 ? user : user[..40] + "…";
}
