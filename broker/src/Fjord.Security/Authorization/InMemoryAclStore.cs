namespace Fjord.Security.Authorization;

/// <summary><see cref="IAclStore"/> in process memory: for unit tests and single-process brokers without storage.</summary>
public sealed class InMemoryAclStore : IAclStore
{
    private readonly Lock _lock = new();
    private readonly HashSet<AclBinding> _acls = [];
    private long _version;

    public Task InitializeAsync(CancellationToken ct) => Task.CompletedTask;

    public Task<long> ReadVersionAsync(CancellationToken ct)
    {
        lock (_lock) return Task.FromResult(_version);
    }

    public Task<(IReadOnlyList<AclBinding> Acls, long Version)> LoadAsync(CancellationToken ct)
    {
        lock (_lock) return Task.FromResult<(IReadOnlyList<AclBinding>, long)>((_acls.ToArray(), _version));
    }

    public Task CreateAsync(IReadOnlyList<AclBinding> bindings, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(bindings);
        if (bindings.Count == 0) return Task.CompletedTask;
        lock (_lock)
        {
            foreach (var binding in bindings) _acls.Add(binding);
            _version++;
        }
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<AclBinding>> DeleteAsync(AclBindingFilter filter, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(filter);
        lock (_lock)
        {
            var deleted = _acls.Where(filter.Matches).ToArray();
            if (deleted.Length == 0) return Task.FromResult<IReadOnlyList<AclBinding>>([]);
            _acls.ExceptWith(deleted);
            _version++;
            return Task.FromResult<IReadOnlyList<AclBinding>>(deleted);
        }
    }
}
