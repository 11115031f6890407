using Fjord.Cluster;
using Fjord.Protocol;

namespace Fjord.Transactions;

public sealed partial class TransactionCoordinator
{
    /// <summary>
    /// AddPartitionsToTxn (Kafka's handleAddPartitionsToTransaction): the first add opens the transaction
    /// (Ongoing, with its start time). Every partition gets the same error, except in verification
    /// (<paramref name="verifyOnly"/>, KIP-890 part 1, sent by a partition leader before it appends a
    /// transactional batch), which writes nothing and answers per partition: NONE if the partition is in the
    /// open transaction, TRANSACTION_ABORTABLE if not.
    /// </summary>
    public async Task<IReadOnlyList<TransactionPartitionResult>> AddPartitionsAsync(string transactionalId, long producerId, short producerEpoch,
        IReadOnlyList<(string Topic, int Partition)> partitions, bool verifyOnly, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        if (string.IsNullOrEmpty(transactionalId))
        {
            return All(partitions, ErrorCode.InvalidRequest);
        }

        var (error, partition, entry) = await AcquireAsync(transactionalId, ct).ConfigureAwait(false);
        if (error != ErrorCode.None)
        {
            return All(partitions, error);
        }

        try
        {
            var current = entry!.Metadata;
            error = CheckProducer(current, producerId, producerEpoch);
            if (error != ErrorCode.None)
            {
                return All(partitions, error);
            }

            var wanted = partitions.Select(p => new TransactionPartition(p.Topic, p.Partition)).ToList();
            var open = current!.State == TransactionState.Ongoing ? current.Partitions.ToHashSet() : [];
            if (verifyOnly)
            {
                return wanted.Select(p => new TransactionPartitionResult(p.Topic, p.Partition,
                    open.Contains(p) ? ErrorCode.None : ErrorCode.TransactionAbortable)).ToList();
            }

            if (current.State == TransactionState.Ongoing && wanted.All(open.Contains))
            {
                return All(partitions, ErrorCode.None);
            }

            var now = NowMs;
            var next = current with
            {
                State = TransactionState.Ongoing,
                Partitions = open.Concat(wanted).Distinct().Order(TransactionPartition.Order).ToArray(),
                TransactionStartTimestampMs = current.State == TransactionState.Ongoing ? current.TransactionStartTimestampMs : now,
                TransactionLastUpdateTimestampMs = now,
            };
            var written = await WriteAsync(partition!, entry, next, ct).ConfigureAwait(false);
            return All(partitions, written ? ErrorCode.None : ErrorCode.NotCoordinator);
        }
        finally
        {
            Release(partition!, entry!);
        }
    }

    /// <summary>
    /// AddOffsetsToTxn: adds the group's <c>__consumer_offsets</c> partition to the transaction, so the
    /// offsets a TxnOffsetCommit writes are committed or aborted with it.
    /// </summary>
    public async Task<ErrorCode> AddOffsetsAsync(string transactionalId, long producerId, short producerEpoch, string groupId, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(groupId))
        {
            return ErrorCode.InvalidRequest;
        }

        var results = await AddPartitionsAsync(transactionalId, producerId, producerEpoch,
            [(TopicNames.ConsumerOffsets, _offsetsPartitionFor(groupId))], verifyOnly: false, ct).ConfigureAwait(false);
        return results[0].Error;
    }

    /// <summary>The checks AddPartitions and its verification share, in Kafka's order.</summary>
    private static ErrorCode CheckProducer(TransactionMetadata? current, long producerId, short producerEpoch)
    {
        if (current is null || current.ProducerId != producerId)
        {
            return ErrorCode.InvalidProducerIdMapping;
        }

        if (current.ProducerEpoch != producerEpoch)
        {
            return ErrorCode.ProducerFenced;
        }

        return TransactionStateTransitions.IsPrepare(current.State) ? ErrorCode.ConcurrentTransactions : ErrorCode.None;
    }

    private static List<TransactionPartitionResult> All(IReadOnlyList<(string Topic, int Partition)> partitions, ErrorCode error) =>
        partitions.Select(p => new TransactionPartitionResult(p.Topic, p.Partition, error)).ToList();
}
