using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Fjord.Security.Authorization;
using Fjord.Security.Principals;

namespace Fjord.Security.Tenancy;

/// <summary>
/// One tenant as a broker serves it: turns the names its clients send into stored names and back. The
/// translations of names a tenant uses often (its topics on every Produce and Fetch) are cached, so the hot path
/// does not allocate a string per request.
/// </summary>
public sealed class TenantScope
{
    private const int CachedNames = 4096;

    private readonly ConcurrentDictionary<string, string> _toStored = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _toClient = new(StringComparer.Ordinal);

    public TenantScope(Tenant tenant)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        if (TenantNamespace.IdProblem(tenant.Id) is { } problem) throw new ArgumentException(problem, nameof(tenant));
        Tenant = tenant;
        Prefix = tenant.Id + TenantNamespace.Separator;
        ClusterResourceName = Prefix + ResourcePattern.ClusterResourceName;
        WildcardPrincipal = KafkaPrincipal.User(Prefix + "*");
    }

    public Tenant Tenant { get; }
    public string Id => Tenant.Id;
    public string ClusterId => Tenant.ClusterId;
    public TenantLimits Limits => Tenant.Limits;
    public bool IsActive => Tenant.State == TenantState.Active;

    /// <summary><c>id + "."</c>: what every stored name of this tenant starts with.</summary>
    public string Prefix { get; }

    /// <summary>The tenant's own "kafka-cluster": Cluster ACLs of the tenant are stored on this name.</summary>
    public string ClusterResourceName { get; }

    /// <summary>What the tenant's <c>User:*</c> is stored as: every principal of this tenant, nobody else.</summary>
    public KafkaPrincipal WildcardPrincipal { get; }

    /// <summary>The longest topic name this tenant may use: Kafka's 249 less its prefix.</summary>
    public int MaxTopicNameLength => TenantNamespace.MaxTopicNameLength - Prefix.Length;

    /// <summary>The stored name of a name the tenant sent.</summary>
    public string ToStored(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_toStored.TryGetValue(name, out var stored)) return stored;
        stored = Prefix + name;
        if (_toStored.Count < CachedNames) _toStored.TryAdd(name, stored);
        return stored;
    }

    /// <summary>Whether a stored name is this tenant's.</summary>
    public bool Owns(string storedName) =>
        storedName.Length > Prefix.Length && storedName.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>The name the tenant knows a stored name by; false when the name is not this tenant's.</summary>
    public bool TryToClient(string storedName, [NotNullWhen(true)] out string? name)
    {
        ArgumentNullException.ThrowIfNull(storedName);
        if (_toClient.TryGetValue(storedName, out name)) return true;
        if (!Owns(storedName))
        {
            name = null;
            return false;
        }
        name = storedName[Prefix.Length..];
        if (_toClient.Count < CachedNames) _toClient.TryAdd(storedName, name);
        return true;
    }

    /// <summary>The name the tenant knows a stored name by; the stored name must be the tenant's.</summary>
    public string ToClient(string storedName) =>
        TryToClient(storedName, out var name) ? name : throw new ArgumentException($"'{storedName}' is not a name of tenant {Id}", nameof(storedName));

    /// <summary>
    /// The stored principal for one a tenant names (in an ACL, a quota entity, a SCRAM user): <c>User:bob</c> becomes
    /// <c>User:acme.bob</c>, <c>User:*</c> becomes <see cref="WildcardPrincipal"/>.
    /// </summary>
    public KafkaPrincipal ToStored(KafkaPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        return principal.Name == "*" ? new KafkaPrincipal(principal.PrincipalType, Prefix + "*") : new KafkaPrincipal(principal.PrincipalType, ToStored(principal.Name));
    }

    /// <summary>The principal the tenant knows a stored principal by; false when it is not one of this tenant's.</summary>
    public bool TryToClient(KafkaPrincipal storedPrincipal, [NotNullWhen(true)] out KafkaPrincipal? principal)
    {
        ArgumentNullException.ThrowIfNull(storedPrincipal);
        principal = TryToClient(storedPrincipal.Name, out var name) ? new KafkaPrincipal(storedPrincipal.PrincipalType, name) : null;
        return principal is not null;
    }

    /// <summary>A message with this tenant's stored names turned back into the tenant's names (error messages quote names).</summary>
    [return: NotNullIfNotNull(nameof(message))]
    public string? ToClientMessage(string? message) =>
        message is null || !message.Contains(Prefix, StringComparison.Ordinal) ? message : message.Replace(Prefix, "", StringComparison.Ordinal);
}
