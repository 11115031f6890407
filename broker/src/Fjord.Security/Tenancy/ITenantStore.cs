namespace Fjord.Security.Tenancy;

/// <summary>
/// The tenant registry in Table storage. Every change bumps a version row (compare-and-swap on its ETag), so
/// brokers notice changes by reading one row (<see cref="GetVersionAsync"/>), as with ACLs and SCRAM credentials.
/// </summary>
public interface ITenantStore
{
    Task InitializeAsync(CancellationToken ct);

    Task<long> GetVersionAsync(CancellationToken ct);

    Task<IReadOnlyList<Tenant>> ListAsync(CancellationToken ct);

    Task<Tenant?> GetAsync(string id, CancellationToken ct);

    /// <returns>False when a tenant with this id exists already (nothing is written).</returns>
    Task<bool> CreateAsync(Tenant tenant, CancellationToken ct);

    /// <summary>Applies <paramref name="change"/> with optimistic concurrency (re-read and retry on a conflict).</summary>
    /// <returns>The tenant as stored, or null when there is no such tenant or <paramref name="change"/> returned null.</returns>
    Task<Tenant?> UpdateAsync(string id, Func<Tenant, Tenant?> change, CancellationToken ct);

    /// <returns>False when there was no such tenant.</returns>
    Task<bool> DeleteAsync(string id, CancellationToken ct);
}
