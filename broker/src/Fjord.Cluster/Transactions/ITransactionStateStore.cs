namespace Fjord.Cluster;

/// <summary>
/// The durable state of the transaction coordinators: one row per transactional id, partitioned by
/// its <c>__transaction_state</c> partition, so a coordinator that takes a partition over loads it with
/// one partition query. Every write is a compare-and-swap on the version the writer read: two
/// coordinators that both believe they own a partition cannot both win, and the loser learns it.
/// Conflicts are outcomes (null / false), not exceptions; anything else that fails throws.
/// </summary>
public interface ITransactionStateStore
{
    /// <summary>Every transactional id of <paramref name="coordinatorPartition"/>, in ordinal order of id.</summary>
    Task<IReadOnlyList<StoredTransaction>> LoadPartitionAsync(int coordinatorPartition, CancellationToken ct);

    /// <summary>The row of <paramref name="transactionalId"/>, or null when there is none.</summary>
    Task<StoredTransaction?> ReadAsync(int coordinatorPartition, string transactionalId, CancellationToken ct);

    /// <summary>
    /// Writes <paramref name="metadata"/> (under its <see cref="TransactionMetadata.CoordinatorPartition"/>).
    /// With <paramref name="expectedETag"/> null the row must not exist yet (insert-if-absent); otherwise the
    /// row must still be at that version. Returns the stored row with its new version, or null when the
    /// condition did not hold and nothing was written.
    /// </summary>
    Task<StoredTransaction?> WriteAsync(TransactionMetadata metadata, string? expectedETag, CancellationToken ct);

    /// <summary>Deletes the row if it is still at <paramref name="expectedETag"/>; false when it is not (or is gone).</summary>
    Task<bool> DeleteAsync(int coordinatorPartition, string transactionalId, string expectedETag, CancellationToken ct);
}
