using Fjord.ControlPlane.Tenants;
using Fjord.Security.Quotas;
using Fjord.Security.Tenancy;

namespace Fjord.ControlPlane.Quotas;

/// <summary>
/// A tenant's client quotas in the quota table the brokers read (they apply a change within their poll interval):
/// reads the tenant's cap and its own entities' quotas; replaces the cap. The cap takes Kafka's rate keys that make
/// sense for a whole tenant: <see cref="CapKeys"/> (connection_creation_rate is per IP in Kafka, and the tenant's
/// connections have a limit of their own).
/// </summary>
/// <remarks>The table is created with the control plane's others (ControlPlaneTables). Table operations: a read is the tenant row plus one load of the quota table; a write adds one transaction.</remarks>
public sealed class QuotaAdministration(IClientQuotaStore store, ITenantStore tenants)
{
    public static IReadOnlyList<string> CapKeys { get; } =
        [ClientQuotaKeys.ProducerByteRate, ClientQuotaKeys.ConsumerByteRate, ClientQuotaKeys.RequestPercentage, ClientQuotaKeys.ControllerMutationRate];

    public async Task<TenantQuotas> GetAsync(string tenantId, CancellationToken ct)
    {
        var tenant = await RequireTenantAsync(tenantId, writable: false, ct).ConfigureAwait(false);
        return await ReadAsync(tenant, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Replaces the tenant's cap: a key with a value is set, a key with null (or absent) is removed, in one write.
    /// With <paramref name="ifMatch"/> (an <c>If-Match</c> value), only while the cap's <see cref="QuotaETag"/> matches.
    /// </summary>
    /// <exception cref="TenantAdministrationException">
    /// An unknown key, a value Kafka refuses, no such tenant, a tenant being deleted, or a cap changed since
    /// <paramref name="ifMatch"/> (PreconditionFailed).
    /// </exception>
    public async Task<TenantQuotas> SetCapAsync(string tenantId, IReadOnlyDictionary<string, double?> cap, CancellationToken ct, string? ifMatch = null)
    {
        ArgumentNullException.ThrowIfNull(cap);
        foreach (var (key, value) in cap)
        {
            if (!CapKeys.Contains(key, StringComparer.Ordinal))
                throw Invalid($"{key} is not a tenant quota; use {string.Join(", ", CapKeys)}");
            if (value is { } v && ClientQuotaValidation.ValueProblem(key, v) is { } problem) throw Invalid(problem);
        }
        var tenant = await RequireTenantAsync(tenantId, writable: true, ct).ConfigureAwait(false);
        var alterations = CapKeys.Select(key => new ClientQuotaAlteration(key, cap.TryGetValue(key, out var value) ? value : null)).ToList();
        var entity = ClientQuotaEntity.Of((ClientQuotaEntity.Tenant, tenantId));
        if (ifMatch is null)
        {
            await store.AlterAsync(entity, alterations, ct).ConfigureAwait(false);
        }
        else if (!await store.AlterIfAsync(entity, alterations, current => QuotaETag.Matches(ifMatch, current), ct).ConfigureAwait(false))
        {
            var now = await ReadAsync(tenant, ct).ConfigureAwait(false);
            throw new TenantAdministrationException(TenantErrorKind.PreconditionFailed,
                $"The quotas of tenant {tenantId} have changed: their ETag is now {QuotaETag.Of(now.Cap)}, not {ifMatch}");
        }
        return await ReadAsync(tenant, ct).ConfigureAwait(false);
    }

    private async Task<TenantQuotas> ReadAsync(Tenant tenant, CancellationToken ct)
    {
        var (records, _) = await store.LoadAsync(ct).ConfigureAwait(false);
        var tenantId = tenant.Id;
        var scope = new TenantScope(tenant);
        IReadOnlyDictionary<string, double> cap = new Dictionary<string, double>();
        var entities = new List<TenantQuotaEntity>();
        foreach (var record in records)
        {
            if (!record.Entity.TryGetName(ClientQuotaEntity.Tenant, out var owner) || owner != tenantId) continue;
            if (record.Entity.Count == 1)
            {
                cap = record.Values;
                continue;
            }
            var components = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var (type, name) in record.Entity.Components)
            {
                if (type == ClientQuotaEntity.Tenant) continue;
                components[type] = type == ClientQuotaEntity.User && name is not null && scope.Owns(name) ? scope.ToClient(name) : name;
            }
            entities.Add(new TenantQuotaEntity(components, record.Values));
        }
        return new TenantQuotas(tenantId, cap, entities);
    }

    private async Task<Tenant> RequireTenantAsync(string tenantId, bool writable, CancellationToken ct)
    {
        if (TenantNamespace.IdProblem(tenantId) is { } problem) throw Invalid(problem);
        var tenant = await tenants.GetAsync(tenantId, ct).ConfigureAwait(false)
            ?? throw new TenantAdministrationException(TenantErrorKind.NotFound, $"Tenant {tenantId} does not exist");
        if (writable && tenant.State == TenantState.Deleting)
            throw new TenantAdministrationException(TenantErrorKind.Conflict, $"Tenant {tenantId} is being deleted; its quotas can no longer change");
        return tenant;
    }

    private static TenantAdministrationException Invalid(string message) => new(TenantErrorKind.Invalid, message);
}
