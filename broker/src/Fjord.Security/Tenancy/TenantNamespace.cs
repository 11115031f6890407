using System.Diagnostics.CodeAnalysis;

namespace Fjord.Security.Tenancy;

/// <summary>
/// How tenants' names are stored: <c>tenantId + '.' + name</c>. A tenant's request has its own prefix put in front
/// of every name it sends, so whatever it sends (a '.', another tenant's id, a whole internal name) lands inside
/// its own namespace; a tenant id holds no '.', so the first '.' of a stored name tells whose it is. The stored
/// form is a legal Kafka topic name, so logs, blobs, Table rows and operator tooling need no special case.
/// </summary>
public static class TenantNamespace
{
    public const char Separator = '.';

    public const int MaxIdLength = 32;

    /// <summary>Kafka's longest topic name; a tenant's names are shorter by its prefix.</summary>
    public const int MaxTopicNameLength = 249;

    /// <summary>What is wrong with <paramref name="id"/> as a tenant id, or null: 2–32 of [a-z0-9-], starting with a letter, not ending with '-'.</summary>
    public static string? IdProblem(string? id)
    {
        if (string.IsNullOrEmpty(id)) return "A tenant id is empty";
        if (id.Length < 2 || id.Length > MaxIdLength) return $"Tenant id '{id}' must be 2 to {MaxIdLength} characters long";
        if (!char.IsAsciiLetterLower(id[0])) return $"Tenant id '{id}' must start with a lower-case letter";
        if (id[^1] == '-') return $"Tenant id '{id}' must not end with '-'";
        foreach (var c in id)
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
                return $"Tenant id '{id}' contains '{c}'; legal characters are a-z, 0-9 and '-'";
        return null;
    }

    /// <summary>The tenant id a stored name would belong to (the part before its first '.'), if it has one.</summary>
    public static bool TryGetTenantId(string storedName, [NotNullWhen(true)] out string? tenantId)
    {
        ArgumentNullException.ThrowIfNull(storedName);
        var dot = storedName.IndexOf(Separator, StringComparison.Ordinal);
        tenantId = dot > 0 && dot < storedName.Length - 1 ? storedName[..dot] : null;
        return tenantId is not null;
    }
}
