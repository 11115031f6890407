namespace Fjord.Security.Quotas;

/// <summary>Client quotas per entity, shared by every broker (Table storage; in memory for unit tests).</summary>
public interface IClientQuotaStore
{
    Task InitializeAsync(CancellationToken ct);

    /// <summary>A number that changes whenever a quota is set or removed: one cheap read tells a cache to reload.</summary>
    Task<long> ReadVersionAsync(CancellationToken ct);

    /// <summary>Every entity's quotas, and the version they are as of.</summary>
    Task<(IReadOnlyList<ClientQuotaRecord> Quotas, long Version)> LoadAsync(CancellationToken ct);

    /// <summary>
    /// Applies <paramref name="alterations"/> to the entity's quotas at once (removing a key it does not have is no
    /// change; an entity left with none is deleted). Validation is the caller's: the store takes what it is given.
    /// </summary>
    Task AlterAsync(ClientQuotaEntity entity, IReadOnlyList<ClientQuotaAlteration> alterations, CancellationToken ct);

    /// <summary>
    /// <see cref="AlterAsync"/> only while <paramref name="precondition"/> accepts the entity's current quotas (empty
    /// when it has none). It is judged on the very values the write replaces, so a change made meanwhile by another
    /// writer fails it instead of being overwritten.
    /// </summary>
    /// <returns>False, with nothing written, when the precondition refused the current quotas.</returns>
    Task<bool> AlterIfAsync(ClientQuotaEntity entity, IReadOnlyList<ClientQuotaAlteration> alterations,
        Func<IReadOnlyDictionary<string, double>, bool> precondition, CancellationToken ct);
}
