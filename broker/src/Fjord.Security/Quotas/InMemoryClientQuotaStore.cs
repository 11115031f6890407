namespace Fjord.Security.Quotas;

/// <summary>An <see cref="IClientQuotaStore"/> in memory, for unit tests and single-process runs.</summary>
public sealed class InMemoryClientQuotaStore : IClientQuotaStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<ClientQuotaEntity, Dictionary<string, double>> _quotas = [];
    private long _version;

    public Task InitializeAsync(CancellationToken ct) => Task.CompletedTask;

    public Task<long> ReadVersionAsync(CancellationToken ct)
    {
        lock (_lock)
            return Task.FromResult(_version);
    }

    public Task<(IReadOnlyList<ClientQuotaRecord> Quotas, long Version)> LoadAsync(CancellationToken ct)
    {
        lock (_lock)
        {
            IReadOnlyList<ClientQuotaRecord> all = [.. _quotas.Select(e => new ClientQuotaRecord(e.Key, new Dictionary<string, double>(e.Value, StringComparer.Ordinal)))];
            return Task.FromResult((all, _version));
        }
    }

    public Task AlterAsync(ClientQuotaEntity entity, IReadOnlyList<ClientQuotaAlteration> alterations, CancellationToken ct) =>
        AlterIfAsync(entity, alterations, _ => true, ct);

    public Task<bool> AlterIfAsync(ClientQuotaEntity entity, IReadOnlyList<ClientQuotaAlteration> alterations,
        Func<IReadOnlyDictionary<string, double>, bool> precondition, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(entity);
        ArgumentNullException.ThrowIfNull(alterations);
        ArgumentNullException.ThrowIfNull(precondition);
        lock (_lock)
        {
            var values = _quotas.TryGetValue(entity, out var existing) ? existing : new Dictionary<string, double>(StringComparer.Ordinal);
            if (!precondition(values)) return Task.FromResult(false);
            foreach (var (key, value) in alterations)
            {
                if (value is { } v) values[key] = v;
                else values.Remove(key);
            }
            if (values.Count == 0) _quotas.Remove(entity);
            else _quotas[entity] = values;
            _version++;
        }
        return Task.FromResult(true);
    }
}
