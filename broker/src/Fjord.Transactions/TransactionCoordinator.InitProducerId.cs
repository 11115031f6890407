using Fjord.Cluster;
using Fjord.Protocol;

namespace Fjord.Transactions;

public sealed partial class TransactionCoordinator
{
    /// <summary>
    /// InitProducerId for a transactional producer (Kafka's handleInitProducerId). A new id gets a new
    /// producer id at epoch 0; a known one gets its epoch bumped, which fences the previous producer
    /// instance, or a new producer id once the epoch is exhausted. An open transaction is aborted first
    /// (with the bumped epoch, so the zombie cannot add to it) and the caller is told
    /// CONCURRENT_TRANSACTIONS, to retry once the abort completed. KIP-360: a producer that passes its
    /// current id and epoch (<paramref name="expectedProducerId"/> not -1, v3+) is bumped only if they are
    /// still current, or answered again if they are the id and epoch its retried bump already replaced;
    /// anything else is PRODUCER_FENCED.
    /// </summary>
    public async Task<InitProducerIdResult> InitProducerIdAsync(string transactionalId, int transactionTimeoutMs,
        long expectedProducerId, short expectedProducerEpoch, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(transactionalId))
        {
            return InitProducerIdResult.Failed(ErrorCode.InvalidRequest);
        }

        if (transactionTimeoutMs <= 0 || transactionTimeoutMs > _config.TransactionMaxTimeoutMs)
        {
            return InitProducerIdResult.Failed(ErrorCode.InvalidTransactionTimeout);
        }

        var (error, partition, entry) = await AcquireAsync(transactionalId, ct).ConfigureAwait(false);
        if (error != ErrorCode.None)
        {
            return InitProducerIdResult.Failed(error);
        }

        try
        {
            var current = entry!.Metadata;
            if (current is null)
            {
                var producerId = await TryGenerateProducerIdAsync(transactionalId, ct).ConfigureAwait(false);
                if (producerId is null)
                {
                    return InitProducerIdResult.Failed(ErrorCode.CoordinatorLoadInProgress);
                }

                // Kafka's fresh metadata: no epoch yet, so the bump below lands on 0. Written once, with it.
                current = new TransactionMetadata(transactionalId, partition!.Partition, producerId.Value,
                    TransactionMetadata.NoProducerId, TransactionMetadata.NoProducerId, TransactionMetadata.NoProducerEpoch,
                    TransactionMetadata.NoProducerEpoch, transactionTimeoutMs, TransactionState.Empty, [], -1, NowMs, partition.CoordinatorEpoch);
            }

            var expected = expectedProducerId != TransactionMetadata.NoProducerId;
            if (expected && !IsValidProducerId(current, expectedProducerId, expectedProducerEpoch))
            {
                return InitProducerIdResult.Failed(ErrorCode.ProducerFenced);
            }

            switch (current.State)
            {
                case TransactionState.PrepareCommit or TransactionState.PrepareAbort or TransactionState.PrepareEpochFence:
                    return InitProducerIdResult.Failed(ErrorCode.ConcurrentTransactions);
                case TransactionState.Ongoing:
                    // The previous instance left a transaction open: abort it under a bumped epoch, which fences
                    // that instance, and let this one retry once the markers are written (Kafka does the same).
                    var fenced = await FenceAndAbortAsync(partition!, entry, current, "a new producer instance initialised", ct).ConfigureAwait(false);
                    return InitProducerIdResult.Failed(fenced ? ErrorCode.ConcurrentTransactions : ErrorCode.NotCoordinator);
            }

            TransactionMetadata next;
            if (TransactionMetadata.IsEpochExhausted(current.ProducerEpoch))
            {
                var producerId = await TryGenerateProducerIdAsync(transactionalId, ct).ConfigureAwait(false);
                if (producerId is null)
                {
                    return InitProducerIdResult.Failed(ErrorCode.CoordinatorLoadInProgress);
                }

                // KIP-360: remember the old id and, if the producer named it, its epoch, so a retry of this
                // rotation is recognised rather than fenced.
                next = current with
                {
                    ProducerId = producerId.Value,
                    PreviousProducerId = current.ProducerId,
                    ProducerEpoch = 0,
                    LastProducerEpoch = expected ? current.ProducerEpoch : TransactionMetadata.NoProducerEpoch,
                };
            }
            else if (!expected)
            {
                next = current with { ProducerEpoch = (short)(current.ProducerEpoch + 1), LastProducerEpoch = TransactionMetadata.NoProducerEpoch };
            }
            else if (current.ProducerEpoch == TransactionMetadata.NoProducerEpoch || expectedProducerEpoch == current.ProducerEpoch)
            {
                next = current with { ProducerEpoch = (short)(current.ProducerEpoch + 1), LastProducerEpoch = current.ProducerEpoch };
            }
            else if (expectedProducerEpoch == current.LastProducerEpoch)
            {
                // A retry of a bump that succeeded (its answer was lost): answer it again without bumping.
                next = current;
            }
            else
            {
                return InitProducerIdResult.Failed(ErrorCode.ProducerFenced);
            }

            next = next with
            {
                State = TransactionState.Empty,
                TransactionTimeoutMs = transactionTimeoutMs,
                Partitions = [],
                TransactionStartTimestampMs = -1,
                TransactionLastUpdateTimestampMs = NowMs,
                NextProducerId = TransactionMetadata.NoProducerId,
            };
            if (!await WriteAsync(partition!, entry, next, ct).ConfigureAwait(false))
            {
                return InitProducerIdResult.Failed(ErrorCode.NotCoordinator);
            }

            return new InitProducerIdResult(ErrorCode.None, next.ProducerId, next.ProducerEpoch);
        }
        finally
        {
            Release(partition!, entry!);
        }
    }

    /// <summary>
    /// Kafka's isValidProducerId: the producer's idea of its id is acceptable when the metadata was just
    /// created, when it is the current id (the epoch is checked by the bump), or when it is the previous
    /// id at an exhausted epoch (a retry of the rotation).
    /// </summary>
    private static bool IsValidProducerId(TransactionMetadata current, long producerId, short producerEpoch) =>
        current.ProducerEpoch == TransactionMetadata.NoProducerEpoch
        || producerId == current.ProducerId
        || (producerId == current.PreviousProducerId && TransactionMetadata.IsEpochExhausted(producerEpoch));

    /// <summary>
    /// A new producer id, or null when none can be had now; the caller answers COORDINATOR_LOAD_IN_PROGRESS,
    /// as Kafka does when its producer-id block is used up, because clients retry it.
    /// </summary>
    private async Task<long?> TryGenerateProducerIdAsync(string transactionalId, CancellationToken ct)
    {
        try
        {
            return await _generateProducerId(ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            TransactionCoordinatorLog.ProducerIdUnavailable(_logger, transactionalId, ex);
            return null;
        }
    }
}
