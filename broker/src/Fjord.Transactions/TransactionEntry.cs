using Fjord.Cluster;

namespace Fjord.Transactions;

/// <summary>
/// A transactional id in memory: its stored row (null until one is written) and the gate that
/// serialises every change of it, a store write included. Reads (Describe, List, the timeout scan)
/// take the row without the gate; a row is immutable, so they see one consistent version.
/// </summary>
internal sealed class TransactionEntry(string transactionalId)
{
    public string TransactionalId { get; } = transactionalId;

    public SemaphoreSlim Gate { get; } = new(1, 1);

    private volatile StoredTransaction? _stored;
    private volatile bool _removed;

    public StoredTransaction? Stored
    {
        get => _stored;
        set => _stored = value;
    }

    public TransactionMetadata? Metadata => _stored?.Metadata;

    /// <summary>The id expired and this entry left the partition; a request that waited on it looks the id up again.</summary>
    public bool Removed
    {
        get => _removed;
        set => _removed = value;
    }
}
