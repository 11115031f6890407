using System.Net;
using Fjord.Security.Principals;

namespace Fjord.Security.Authorization;

/// <summary>
/// Kafka's StandardAuthorizer decisions over an in-memory ACL snapshot that <see cref="AclCache"/> keeps
/// current. A question already answered against the current snapshot is a dictionary hit: no allocation, no
/// storage, no ACL scan. <see cref="Update"/> swaps in a new snapshot (with an empty cache) atomically.
/// </summary>
public sealed class AclAuthorizer : IAuthorizer
{
    /// <summary>Kafka's authorizeByResourceType asks about this literal name first, so super users and allow.everyone.if.no.acl.found apply.</summary>
    internal const string ByResourceTypeProbeName = "hardcode";

    private readonly AuthorizerOptions _options;
    private readonly Lock _updateLock = new();
    private AclSnapshot _snapshot;

    public AclAuthorizer(AuthorizerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.SuperUsers);
        _options = options;
        _snapshot = new AclSnapshot([], version: -1, options.DecisionCacheCapacity);
    }

    /// <summary>The store version of the ACLs decisions are made from; -1 before the first update.</summary>
    public long Version => Volatile.Read(ref _snapshot).Version;

    /// <summary>How many ACLs the current snapshot holds.</summary>
    public int AclCount => Volatile.Read(ref _snapshot).Count;

    internal int CachedDecisionCount => Volatile.Read(ref _snapshot).Decisions.Count;

    /// <summary>
    /// Replaces the ACLs decisions are made from. A snapshot older than the current one is ignored, so a slow
    /// background reload can never undo a newer one made after a local write.
    /// </summary>
    /// <returns>Whether the snapshot was taken.</returns>
    public bool Update(IReadOnlyList<AclBinding> acls, long version)
    {
        ArgumentNullException.ThrowIfNull(acls);
        var snapshot = new AclSnapshot(acls, version, _options.DecisionCacheCapacity);
        lock (_updateLock)
        {
            if (version < _snapshot.Version) return false;
            Volatile.Write(ref _snapshot, snapshot);
            return true;
        }
    }

    public bool Authorize(KafkaPrincipal principal, IPAddress host, AclOperation operation, ResourceType resourceType, string resourceName)
    {
        ArgumentNullException.ThrowIfNull(principal);
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(resourceName);
        CheckConcrete(operation, resourceType);
        var snapshot = Volatile.Read(ref _snapshot);
        var key = new DecisionKey(principal.ToString(), host, operation, resourceType, resourceName);
        if (snapshot.Decisions.TryGet(key, out var allowed)) return allowed;
        allowed = Decide(snapshot, key, TenantWildcard(principal));
        snapshot.Decisions.Add(key, allowed);
        return allowed;
    }

    /// <summary>
    /// A tenant's principal matches its tenant's <c>User:id.*</c> instead of the global <c>User:*</c>: an operator's
    /// wildcard ACL must not reach into tenants, and a tenant's wildcard must not reach out of its own.
    /// </summary>
    private static string? TenantWildcard(KafkaPrincipal principal) =>
        principal.TenantId is { } tenant ? $"{principal.PrincipalType}:{tenant}{Tenancy.TenantNamespace.Separator}*" : null;

    /// <summary>The decision <see cref="Authorize"/> would cache, computed afresh: for benchmarks of the index.</summary>
    internal bool AuthorizeUncached(KafkaPrincipal principal, IPAddress host, AclOperation operation, ResourceType resourceType, string resourceName) =>
        Decide(Volatile.Read(ref _snapshot), new DecisionKey(principal.ToString(), host, operation, resourceType, resourceName), TenantWildcard(principal));

    public bool AuthorizeAny(KafkaPrincipal principal, IPAddress host, AclOperation operation, ResourceType resourceType)
    {
        ArgumentNullException.ThrowIfNull(principal);
        ArgumentNullException.ThrowIfNull(host);
        CheckConcrete(operation, resourceType);
        var snapshot = Volatile.Read(ref _snapshot);
        var key = new DecisionKey(principal.ToString(), host, operation, resourceType, resourceName: null);
        if (snapshot.Decisions.TryGet(key, out var allowed)) return allowed;
        allowed = Authorize(principal, host, operation, resourceType, ByResourceTypeProbeName)
            || ResourceTypeAuthorization.AnyAllowed(snapshot.For(resourceType), key.Principal, TenantWildcard(principal), ClientAddress.Normalize(host), operation);
        snapshot.Decisions.Add(key, allowed);
        return allowed;
    }

    public int AuthorizedOperations(KafkaPrincipal principal, IPAddress host, ResourceType resourceType, string resourceName, ReadOnlySpan<AclOperation> operations)
    {
        var bits = 0;
        foreach (var operation in operations)
        {
            if (Authorize(principal, host, operation, resourceType, resourceName))
                bits |= 1 << (int)operation;
        }
        return bits;
    }

    private bool Decide(AclSnapshot snapshot, in DecisionKey key, string? tenantWildcard)
    {
        if (_options.SuperUsers.Contains(key.Principal)) return true;
        var index = snapshot.For(key.ResourceType);
        if (index is null) return _options.AllowEveryoneIfNoAclFound;
        var matcher = new RuleMatcher(key.Principal, tenantWildcard, ClientAddress.Normalize(key.Host), key.Operation);
        var found = index.Visit(key.ResourceName!, ref matcher);
        if (matcher.Denied) return false;
        if (matcher.Allowed) return true;
        // Kafka: ACLs on the resource that simply do not grant this deny it; only a resource no ACL covers falls back.
        return !found && _options.AllowEveryoneIfNoAclFound;
    }

    private static void CheckConcrete(AclOperation operation, ResourceType resourceType)
    {
        if (operation is AclOperation.Any or AclOperation.Unknown)
            throw new ArgumentOutOfRangeException(nameof(operation), operation, "An authorization question names a concrete operation.");
        if (resourceType is ResourceType.Any or ResourceType.Unknown)
            throw new ArgumentOutOfRangeException(nameof(resourceType), resourceType, "An authorization question names a concrete resource type.");
    }

    /// <summary>Collects the verdict of the rules covering one resource; the first matching Deny ends the visit.</summary>
    private struct RuleMatcher(string principal, string? tenantWildcard, IPAddress host, AclOperation operation) : IAclRuleVisitor
    {
        public bool Allowed { get; private set; }
        public bool Denied { get; private set; }

        public bool Visit(PatternRules rules) =>
            Visit(rules.For(principal)) && Visit(tenantWildcard is null ? rules.ForAnyPrincipal : rules.For(tenantWildcard));

        /// <param name="rules">Rules whose principal already matches.</param>
        private bool Visit(AclRule[] rules)
        {
            foreach (var rule in rules)
            {
                if (!rule.MatchesOperation(operation) || !rule.MatchesHost(host)) continue;
                if (rule.PermissionType == AclPermissionType.Deny)
                {
                    Denied = true;
                    return false;
                }
                if (rule.PermissionType == AclPermissionType.Allow) Allowed = true;
            }
            return true;
        }
    }
}
