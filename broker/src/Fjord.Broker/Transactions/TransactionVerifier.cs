using Fjord.Cluster;
using Fjord.Protocol;
using Microsoft.Extensions.Logging;

namespace Fjord.Broker.Transactions;

/// <summary>
/// KIP-890 part 1's verification, read straight from the transaction's row in Table storage rather than
/// asked of the coordinator broker: the coordinator writes a partition into the row before it answers
/// AddPartitionsToTxn, so the row is the truth any broker can read. A partition leader asks before it
/// appends the first transactional batch of a producer (and the group coordinator before it stages
/// transactional offsets), so a late retry of an ended transaction cannot open a transaction that no
/// coordinator will ever end.
/// </summary>
public sealed partial class TransactionVerifier(ITransactionStateStore store, Func<string, int> partitionFor, ILogger<TransactionVerifier> logger)
{
    /// <summary>
    /// NONE when <paramref name="producerId"/> at <paramref name="producerEpoch"/> has an open transaction of
    /// <paramref name="transactionalId"/> that includes the partition; otherwise INVALID_PRODUCER_ID_MAPPING
    /// (another or no producer id), INVALID_PRODUCER_EPOCH (an older epoch: fenced), TRANSACTION_ABORTABLE
    /// (not added, or the transaction is ending) or COORDINATOR_NOT_AVAILABLE (the store failed; retriable).
    /// </summary>
    public async ValueTask<ErrorCode> VerifyAsync(string transactionalId, long producerId, short producerEpoch, string topic, int partition, CancellationToken ct) =>
        (await VerifyAsync(transactionalId, producerId, producerEpoch, [(topic, partition)], ct))[0];

    /// <summary>
    /// <see cref="VerifyAsync(string, long, short, string, int, CancellationToken)"/> for several partitions of
    /// one producer with a single read of the row: a produce request verifies all its partitions at once.
    /// </summary>
    public async ValueTask<ErrorCode[]> VerifyAsync(string transactionalId, long producerId, short producerEpoch,
        IReadOnlyList<(string Topic, int Partition)> partitions, CancellationToken ct)
    {
        var errors = new ErrorCode[partitions.Count];
        StoredTransaction? stored;
        try
        {
            stored = await store.ReadAsync(partitionFor(transactionalId), transactionalId, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogStoreFailed(transactionalId, e);
            Array.Fill(errors, ErrorCode.CoordinatorNotAvailable);
            return errors;
        }

        for (var i = 0; i < errors.Length; i++)
            errors[i] = Verify(stored?.Metadata, producerId, producerEpoch, partitions[i].Topic, partitions[i].Partition);
        return errors;
    }

    private static ErrorCode Verify(TransactionMetadata? transaction, long producerId, short producerEpoch, string topic, int partition)
    {
        if (transaction is null || transaction.ProducerId != producerId)
            return ErrorCode.InvalidProducerIdMapping;
        if (producerEpoch < transaction.ProducerEpoch)
            return ErrorCode.InvalidProducerEpoch;
        if (producerEpoch > transaction.ProducerEpoch || transaction.State != TransactionState.Ongoing)
            return ErrorCode.TransactionAbortable;
        return transaction.Partitions.Contains(new TransactionPartition(topic, partition)) ? ErrorCode.None : ErrorCode.TransactionAbortable;
    }

    [LoggerMessage(EventId = 3410, Level = LogLevel.Warning, Message = "Could not read transactional id {TransactionalId} to verify a transactional write")]
    private partial void LogStoreFailed(string transactionalId, Exception exception);
}
