namespace Fjord.Security.Tenancy;

/// <summary><see cref="ITenantStore"/> in process memory, for unit tests. Like the Table store, every change bumps the version and a no-op change does not.</summary>
public sealed class InMemoryTenantStore : ITenantStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Tenant> _tenants = new(StringComparer.Ordinal);
    private long _version;

    public Task InitializeAsync(CancellationToken ct) => Task.CompletedTask;

    public Task<long> GetVersionAsync(CancellationToken ct)
    {
        lock (_lock) return Task.FromResult(_version);
    }

    public Task<IReadOnlyList<Tenant>> ListAsync(CancellationToken ct)
    {
        lock (_lock)
            return Task.FromResult<IReadOnlyList<Tenant>>([.. _tenants.Values.OrderBy(t => t.Id, StringComparer.Ordinal)]);
    }

    public Task<Tenant?> GetAsync(string id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(id);
        lock (_lock) return Task.FromResult(_tenants.GetValueOrDefault(id));
    }

    public Task<bool> CreateAsync(Tenant tenant, CancellationToken ct)
    {
        TenantValidation.Validate(tenant);
        lock (_lock)
        {
            if (!_tenants.TryAdd(tenant.Id, tenant)) return Task.FromResult(false);
            _version++;
            return Task.FromResult(true);
        }
    }

    public Task<Tenant?> UpdateAsync(string id, Func<Tenant, Tenant?> change, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(change);
        lock (_lock)
        {
            if (!_tenants.TryGetValue(id, out var current) || change(current) is not { } next) return Task.FromResult<Tenant?>(null);
            if (next.Id != current.Id) throw new ArgumentException($"A change of tenant {id} must keep its id (it returned {next.Id})", nameof(change));
            TenantValidation.Validate(next);
            if (next == current) return Task.FromResult<Tenant?>(current);
            _tenants[id] = next;
            _version++;
            return Task.FromResult<Tenant?>(next);
        }
    }

    public Task<bool> DeleteAsync(string id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(id);
        lock (_lock)
        {
            if (!_tenants.Remove(id)) return Task.FromResult(false);
            _version++;
            return Task.FromResult(true);
        }
    }
}
