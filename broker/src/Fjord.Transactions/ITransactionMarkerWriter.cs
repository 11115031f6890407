namespace Fjord.Transactions;

/// <summary>
/// Writes the control records that end a transaction in its data partitions (Kafka's
/// WriteTxnMarkers, sent by the coordinator to each partition leader). The broker implements it.
/// </summary>
public interface ITransactionMarkerWriter
{
    /// <summary>
    /// Returns once every partition in <paramref name="partitions"/> holds the COMMIT (or ABORT) marker of
    /// <paramref name="producerId"/> at <paramref name="producerEpoch"/>; throws if any could not be written.
    /// It is called again with the same arguments after a failure, and after a coordinator failover for
    /// partitions that already have the marker, so writing a marker must be idempotent.
    /// <paramref name="coordinatorEpoch"/> is the leader epoch of the coordinator's <c>__transaction_state</c>
    /// partition: a partition leader rejects markers from an older coordinator epoch than it has seen.
    /// </summary>
    Task WriteMarkersAsync(long producerId, short producerEpoch, int coordinatorEpoch, bool commit,
        IReadOnlyCollection<(string Topic, int Partition)> partitions, CancellationToken ct);
}
