namespace Fjord.Broker.Tenancy.Storage;

/// <summary><see cref="ITenantUsageStore"/> in process memory, for unit tests; counts writes so a test can see which were skipped.</summary>
public sealed class InMemoryTenantUsageStore : ITenantUsageStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Tenant, int Broker), TenantUsageRow> _rows = [];
    private int _writes;

    /// <summary>Writes and deletes so far.</summary>
    public int Writes => Volatile.Read(ref _writes);

    /// <summary>When set, every call fails with it (a Table outage).</summary>
    public Exception? Failure { get; set; }

    public Task InitializeAsync(CancellationToken ct) => Failure is { } failure ? Task.FromException(failure) : Task.CompletedTask;

    public Task<IReadOnlyList<TenantUsageRow>> ListAsync(CancellationToken ct)
    {
        if (Failure is { } failure) return Task.FromException<IReadOnlyList<TenantUsageRow>>(failure);
        lock (_lock) return Task.FromResult<IReadOnlyList<TenantUsageRow>>([.. _rows.Values]);
    }

    public Task WriteAsync(string tenantId, int brokerId, long retainedBytes, DateTimeOffset updatedAt, CancellationToken ct)
    {
        if (Failure is { } failure) return Task.FromException(failure);
        lock (_lock) _rows[(tenantId, brokerId)] = new TenantUsageRow(tenantId, brokerId, retainedBytes, updatedAt);
        Interlocked.Increment(ref _writes);
        return Task.CompletedTask;
    }

    public Task DeleteAsync(string tenantId, int brokerId, CancellationToken ct)
    {
        if (Failure is { } failure) return Task.FromException(failure);
        lock (_lock) _rows.Remove((tenantId, brokerId));
        Interlocked.Increment(ref _writes);
        return Task.CompletedTask;
    }
}
