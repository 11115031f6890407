using Fjord.ControlPlane.Tenants;
using Fjord.Security.Authorization;
using Fjord.Security.Principals;
using Fjord.Security.Tenancy;

namespace Fjord.ControlPlane.Acls;

/// <summary>
/// A tenant's ACLs in the tenant's own names, mapped to and from their stored form by <see cref="TenantAcls"/>,
/// exactly as the brokers map a tenant's CreateAcls, DescribeAcls and DeleteAcls: <c>orders</c> is stored as
/// <c>acme.orders</c>, <c>User:bob</c> as <c>User:acme.bob</c>, <c>User:*</c> as <c>User:acme.*</c>, <c>LITERAL *</c>
/// as <c>PREFIXED acme.</c> and <c>kafka-cluster</c> as the tenant's cluster resource. So an ACL made here and one
/// made by the tenant's admin over Kafka are the same row, and neither can reach outside the tenant.
/// </summary>
/// <remarks>
/// USER and DELEGATION_TOKEN ACLs are the operator's (<see cref="TenantAcls.IsOperatorOnly"/>): refused here, as
/// the brokers refuse them from a tenant. The admin's own ACLs (<see cref="TenantAdministration.AdminAcls"/>) are
/// listed but never deleted through here: without them the tenant could no longer administer itself.
/// </remarks>
public sealed class AclAdministration
{
    private readonly ITenantStore _tenants;
    private readonly IAclStore _acls;

    public AclAdministration(ITenantStore tenants, IAclStore acls)
    {
        ArgumentNullException.ThrowIfNull(tenants);
        ArgumentNullException.ThrowIfNull(acls);
        _tenants = tenants;
        _acls = acls;
    }

    /// <summary>The tenant's bindings that <paramref name="filter"/> (in the tenant's names, Kafka's filter rules) matches, as the tenant sees them.</summary>
    public async Task<IReadOnlyList<AclBinding>> ListAsync(string tenantId, AclBindingFilter filter, CancellationToken ct)
    {
        var scope = await ScopeAsync(tenantId, ct).ConfigureAwait(false);
        var matches = Matcher(scope, filter);
        var (stored, _) = await _acls.LoadAsync(ct).ConfigureAwait(false);
        return [.. Order(stored.Where(matches).Select(b => TenantAcls.ToClient(scope, b)!))];
    }

    /// <summary>
    /// Stores the bindings (in the tenant's names); ones that exist already are left as they are. All are checked
    /// before any is written, so a bad one writes nothing.
    /// </summary>
    /// <returns>Each binding as the tenant sees it, and whether this call created it.</returns>
    public async Task<IReadOnlyList<(AclBinding Binding, bool Created)>> CreateAsync(string tenantId, IReadOnlyList<AclBinding> bindings, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(bindings);
        if (bindings.Count == 0) throw Invalid("Send at least one ACL binding");
        var tenant = await GetTenantAsync(tenantId, ct).ConfigureAwait(false);
        if (tenant.State == TenantState.Deleting)
            throw new TenantAdministrationException(TenantErrorKind.Conflict, $"Tenant {tenantId} is being deleted");
        var scope = new TenantScope(tenant);
        var stored = new List<AclBinding>(bindings.Count);
        for (var i = 0; i < bindings.Count; i++)
        {
            if (BindingProblem(bindings[i]) is { } problem)
                throw Invalid(bindings.Count == 1 ? problem : $"Binding {i + 1} of {bindings.Count}: {problem}");
            stored.Add(ToStored(scope, bindings[i]));
        }
        var (existing, _) = await _acls.LoadAsync(ct).ConfigureAwait(false);
        var before = existing.ToHashSet();
        var distinct = stored.Distinct().ToList();
        await _acls.CreateAsync(distinct, ct).ConfigureAwait(false);
        return [.. distinct.Select(b => (TenantAcls.ToClient(scope, b)!, !before.Contains(b)))];
    }

    /// <summary>Deletes the tenant's bindings that <paramref name="filter"/> matches, the admin's excepted.</summary>
    /// <returns>What was deleted, as the tenant sees it: empty when nothing matched (deleting again is no error).</returns>
    public async Task<IReadOnlyList<AclBinding>> DeleteAsync(string tenantId, AclBindingFilter filter, CancellationToken ct)
    {
        var scope = await ScopeAsync(tenantId, ct).ConfigureAwait(false);
        var matches = Matcher(scope, filter);
        var admin = TenantAdministration.AdminAcls(tenantId).ToHashSet();
        var (stored, _) = await _acls.LoadAsync(ct).ConfigureAwait(false);
        var deleted = new List<AclBinding>();
        // One exact filter per binding: the store's filters are Kafka's, which know nothing of a tenant's view.
        foreach (var binding in stored.Where(b => matches(b) && !admin.Contains(b)).ToList())
            deleted.AddRange(await _acls.DeleteAsync(AclBindingFilter.For(binding), ct).ConfigureAwait(false));
        return [.. Order(deleted.Select(b => TenantAcls.ToClient(scope, b)).OfType<AclBinding>())];
    }

    /// <summary>Why a binding in the tenant's names cannot be stored, or null when it can.</summary>
    public static string? BindingProblem(AclBinding binding)
    {
        ArgumentNullException.ThrowIfNull(binding);
        if (TenantAcls.IsOperatorOnly(binding.Pattern.ResourceType)) return TenantAcls.OperatorOnlyMessage(binding.Pattern.ResourceType);
        if (AclValidation.ValidateBinding(binding) is { } problem) return problem;
        if (!KafkaPrincipal.TryParse(binding.Entry.Principal, out var principal) || principal.PrincipalType != KafkaPrincipal.UserType)
            return $"Principal '{binding.Entry.Principal}' must be User:<name> (or User:*): a tenant's principals are its SCRAM users";
        return null;
    }

    /// <summary>Why a filter in the tenant's names cannot be used, or null when it can.</summary>
    public static string? FilterProblem(AclBindingFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        if (TenantAcls.IsOperatorOnly(filter.ResourceType)) return TenantAcls.OperatorOnlyMessage(filter.ResourceType);
        return AclValidation.ValidateFilter(filter);
    }

    private static AclBinding ToStored(TenantScope scope, AclBinding binding)
    {
        var (name, patternType) = TenantAcls.ToStored(scope, binding.Pattern.Name, binding.Pattern.PatternType);
        return new AclBinding(binding.Pattern with { Name = name, PatternType = patternType },
            binding.Entry with { Principal = TenantAcls.ToStoredPrincipal(scope, binding.Entry.Principal) });
    }

    /// <summary>The broker's own path: the filter to its stored form, then matched against the tenant's view of each binding.</summary>
    private static Func<AclBinding, bool> Matcher(TenantScope scope, AclBindingFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        if (FilterProblem(filter) is { } problem) throw Invalid(problem);
        var storedFilter = filter;
        if (filter.ResourceName is { Length: > 0 } name)
        {
            var (storedName, patternType) = TenantAcls.ToStored(scope, name, filter.PatternType);
            storedFilter = storedFilter with { ResourceName = storedName, PatternType = patternType };
        }
        if (filter.Principal is { } principal) storedFilter = storedFilter with { Principal = TenantAcls.ToStoredPrincipal(scope, principal) };
        return TenantAcls.Matcher(scope, storedFilter);
    }

    private static IEnumerable<AclBinding> Order(IEnumerable<AclBinding> bindings) => bindings
        .OrderBy(b => b.Pattern.ResourceType)
        .ThenBy(b => b.Pattern.Name, StringComparer.Ordinal)
        .ThenBy(b => b.Pattern.PatternType)
        .ThenBy(b => b.Entry.Principal, StringComparer.Ordinal)
        .ThenBy(b => b.Entry.Host, StringComparer.Ordinal)
        .ThenBy(b => b.Entry.Operation)
        .ThenBy(b => b.Entry.PermissionType);

    private async Task<TenantScope> ScopeAsync(string tenantId, CancellationToken ct) =>
        new(await GetTenantAsync(tenantId, ct).ConfigureAwait(false));

    private async Task<Tenant> GetTenantAsync(string tenantId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        if (TenantNamespace.IdProblem(tenantId) is { } problem) throw Invalid(problem);
        return await _tenants.GetAsync(tenantId, ct).ConfigureAwait(false)
            ?? throw new TenantAdministrationException(TenantErrorKind.NotFound, $"Tenant {tenantId} does not exist");
    }

    private static TenantAdministrationException Invalid(string message) => new(TenantErrorKind.Invalid, message);
}
