using System.Diagnostics.CodeAnalysis;
using Fjord.Cluster;
using Fjord.Security.Tenancy;

namespace Fjord.Broker.Tenancy.Topics;

/// <summary>
/// A tenant's topic names as the topic APIs translate them. Kafka's name rule is the tenant's to keep on the name
/// it sends, not only on the stored one: "." or ".." or "" become legal names once prefixed ("acme..") and would
/// then name a topic nobody owns or one the tenant cannot address, and a name within Kafka's 249 can still overrun
/// it once prefixed. Such a name is sent to the handler marked with a character no legal name has, so the
/// handler refuses it as an invalid topic (after authorizing it, in Kafka's order) and never creates it.
/// </summary>
internal static class TenantTopicNames
{
    /// <summary>Not a legal topic name character: a stored name that ends with it is a marked invalid name.</summary>
    private const char InvalidMark = '/';

    /// <summary>Why a name the tenant sent is not a topic name it may use, or null when it is one.</summary>
    public static string? Problem(TenantScope tenant, string? name) => TopicNames.Problem(name, tenant.MaxTopicNameLength);

    /// <summary>The stored name of a topic name the tenant sent; a name it may not use is marked invalid.</summary>
    public static string ToStored(TenantScope tenant, string name) =>
        Problem(tenant, name) is null ? tenant.ToStored(name) : tenant.Prefix + name + InvalidMark;

    /// <summary>Whether a stored name is one <see cref="ToStored"/> marked invalid.</summary>
    public static bool IsMarkedInvalid(string storedName) => storedName.Length > 0 && storedName[^1] == InvalidMark;

    /// <summary>
    /// The tenant's name for a stored name of a response; false for a name that is not the tenant's. The bare
    /// prefix is the tenant's empty name, and a marked name is the name the tenant sent.
    /// </summary>
    public static bool TryToClient(TenantScope tenant, string storedName, [NotNullWhen(true)] out string? name)
    {
        if (tenant.TryToClient(storedName, out name))
        {
            if (IsMarkedInvalid(name)) name = name[..^1];
            return true;
        }
        if (string.Equals(storedName, tenant.Prefix, StringComparison.Ordinal))
        {
            name = "";
            return true;
        }
        return false;
    }

    /// <summary>The tenant's name for a stored name its own request carried (so always the tenant's).</summary>
    public static string ToClient(TenantScope tenant, string storedName) =>
        TryToClient(tenant, storedName, out var name) ? name : storedName;
}
