using System.Collections.Frozen;

namespace Fjord.Security.Quotas;

/// <summary>Every client quota as of one store version: immutable, so a request reads it without a lock.</summary>
public sealed class ClientQuotaSnapshot
{
    public static readonly ClientQuotaSnapshot Empty = new(FrozenDictionary<ClientQuotaEntity, FrozenDictionary<string, double>>.Empty, -1);

    public ClientQuotaSnapshot(FrozenDictionary<ClientQuotaEntity, FrozenDictionary<string, double>> quotas, long version)
    {
        ArgumentNullException.ThrowIfNull(quotas);
        Quotas = quotas;
        Version = version;
    }

    public static ClientQuotaSnapshot From(IEnumerable<ClientQuotaRecord> records, long version)
    {
        ArgumentNullException.ThrowIfNull(records);
        return new(records.ToFrozenDictionary(r => r.Entity, r => r.Values.ToFrozenDictionary(StringComparer.Ordinal)), version);
    }

    public FrozenDictionary<ClientQuotaEntity, FrozenDictionary<string, double>> Quotas { get; }

    /// <summary>The store version this snapshot is as of; -1 before the first load.</summary>
    public long Version { get; }

    /// <summary>The quota <paramref name="key"/> set on exactly <paramref name="entity"/>.</summary>
    public bool TryGet(ClientQuotaEntity entity, string key, out double value)
    {
        value = 0;
        return Quotas.TryGetValue(entity, out var values) && values.TryGetValue(key, out value);
    }
}
