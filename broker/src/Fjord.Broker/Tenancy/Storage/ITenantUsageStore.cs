namespace Fjord.Broker.Tenancy.Storage;

/// <summary>
/// Where brokers share their per-tenant storage figures: one row per (tenant, broker), each written only by that
/// broker, so writes never conflict and need no version.
/// </summary>
public interface ITenantUsageStore
{
    /// <summary>Creates the table if it is missing; repeatable.</summary>
    Task InitializeAsync(CancellationToken ct);

    /// <summary>Every row, of every broker and tenant.</summary>
    Task<IReadOnlyList<TenantUsageRow>> ListAsync(CancellationToken ct);

    /// <summary>Sets <paramref name="brokerId"/>'s figure for <paramref name="tenantId"/>, whatever it was.</summary>
    Task WriteAsync(string tenantId, int brokerId, long retainedBytes, DateTimeOffset updatedAt, CancellationToken ct);

    /// <summary>Removes <paramref name="brokerId"/>'s row for <paramref name="tenantId"/>; nothing to remove is not an error.</summary>
    Task DeleteAsync(string tenantId, int brokerId, CancellationToken ct);
}
