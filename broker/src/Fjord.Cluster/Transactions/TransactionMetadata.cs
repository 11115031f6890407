namespace Fjord.Cluster;

/// <summary>
/// What the transaction coordinator keeps per transactional id (Kafka's TransactionMetadata, the value
/// of a <c>__transaction_state</c> record). Immutable: a transition is a new instance written with a
/// compare-and-swap.
/// </summary>
/// <param name="TransactionalId">The client's transactional.id.</param>
/// <param name="CoordinatorPartition">The <c>__transaction_state</c> partition that owns the id; the store's partition key.</param>
/// <param name="ProducerId">The producer id the client uses now.</param>
/// <param name="PreviousProducerId">KIP-360's lastProducerId: the id before the last rotation, so a retried InitProducerId of the old id is recognised; -1 if none.</param>
/// <param name="NextProducerId">KIP-890 (transaction version 2): the id the client moves to when this transaction ends with an exhausted epoch; -1 if none.</param>
/// <param name="ProducerEpoch">The current epoch; -1 before the first InitProducerId completes.</param>
/// <param name="LastProducerEpoch">The epoch before the last bump, so a retried bump is answered instead of fenced; -1 if none.</param>
/// <param name="TransactionTimeoutMs">transaction.timeout.ms of the producer.</param>
/// <param name="State">Where the transaction is.</param>
/// <param name="Partitions">Partitions added to the open transaction (cleared when it completes).</param>
/// <param name="TransactionStartTimestampMs">When the first partition was added; -1 when no transaction is open.</param>
/// <param name="TransactionLastUpdateTimestampMs">The last transition; drives transactional.id.expiration.ms.</param>
/// <param name="CoordinatorEpoch">The leader epoch of the coordinator partition of the coordinator that wrote this; a newer coordinator writes a larger one.</param>
public sealed record TransactionMetadata(
    string TransactionalId,
    int CoordinatorPartition,
    long ProducerId,
    long PreviousProducerId,
    long NextProducerId,
    short ProducerEpoch,
    short LastProducerEpoch,
    int TransactionTimeoutMs,
    TransactionState State,
    IReadOnlyList<TransactionPartition> Partitions,
    long TransactionStartTimestampMs,
    long TransactionLastUpdateTimestampMs,
    int CoordinatorEpoch)
{
    /// <summary>Kafka's RecordBatch.NO_PRODUCER_ID and NO_PRODUCER_EPOCH.</summary>
    public const long NoProducerId = -1;

    public const short NoProducerEpoch = -1;

    /// <summary>
    /// Kafka's TransactionMetadata.isEpochExhausted: at Short.MaxValue - 1 the next bump could not be
    /// followed by the fence bump an abort may need, so the id is rotated instead.
    /// </summary>
    public static bool IsEpochExhausted(short epoch) => epoch >= short.MaxValue - 1;
}
