using Fjord.Security.Tenancy;

namespace Fjord.Security.Tests.Tenancy;

/// <summary>A tenant store that can be made unreachable, to show that a cache keeps serving through an outage.</summary>
internal sealed class FlakyTenantStore(ITenantStore inner) : ITenantStore
{
    private volatile bool _down;
    private int _versionReads;

    public bool Down
    {
        get => _down;
        set => _down = value;
    }

    public int VersionReads => Volatile.Read(ref _versionReads);

    public Task InitializeAsync(CancellationToken ct) => inner.InitializeAsync(ct);

    public Task<long> GetVersionAsync(CancellationToken ct)
    {
        Interlocked.Increment(ref _versionReads);
        ThrowIfDown();
        return inner.GetVersionAsync(ct);
    }

    public Task<IReadOnlyList<Tenant>> ListAsync(CancellationToken ct)
    {
        ThrowIfDown();
        return inner.ListAsync(ct);
    }

    public Task<Tenant?> GetAsync(string id, CancellationToken ct) => inner.GetAsync(id, ct);

    public Task<bool> CreateAsync(Tenant tenant, CancellationToken ct) => inner.CreateAsync(tenant, ct);

    public Task<Tenant?> UpdateAsync(string id, Func<Tenant, Tenant?> change, CancellationToken ct) => inner.UpdateAsync(id, change, ct);

    public Task<bool> DeleteAsync(string id, CancellationToken ct) => inner.DeleteAsync(id, ct);

    private void ThrowIfDown()
    {
        if (_down) throw new IOException("storage is down");
    }
}
