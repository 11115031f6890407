using Fjord.Cluster;
using Fjord.Protocol;

namespace Fjord.Transactions;

public sealed partial class TransactionCoordinator
{
    /// <summary>
    /// EndTxn (Kafka's endTransaction). An open transaction moves to PrepareCommit or PrepareAbort, durably,
    /// and is answered then: the outcome is decided. Its markers are written afterwards and the transaction
    /// completes (CompleteCommit / CompleteAbort); until then another EndTxn of the same outcome is told
    /// CONCURRENT_TRANSACTIONS, after it NONE; the opposite outcome is INVALID_TXN_STATE, as is ending when
    /// no transaction is open. With <paramref name="bumpEpochPerTransaction"/> (EndTxn v5, KIP-890 part 2)
    /// the end bumps the epoch, or moves to a new producer id when it is exhausted; the answer carries
    /// what the producer uses next, a retry at the epoch before the bump is recognised, and an abort
    /// with no transaction open is allowed (it only bumps the epoch).
    /// </summary>
    public async Task<EndTxnResult> EndTxnAsync(string transactionalId, long producerId, short producerEpoch, bool commit,
        bool bumpEpochPerTransaction, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(transactionalId))
        {
            return EndTxnResult.Failed(ErrorCode.InvalidRequest);
        }

        var (error, partition, entry) = await AcquireAsync(transactionalId, ct).ConfigureAwait(false);
        if (error != ErrorCode.None)
        {
            return EndTxnResult.Failed(error);
        }

        try
        {
            var current = entry!.Metadata;
            if (current is null)
            {
                return EndTxnResult.Failed(ErrorCode.InvalidProducerIdMapping);
            }

            var retry = bumpEpochPerTransaction && IsRetryOfBumpedEnd(current, producerId, producerEpoch);
            if (current.ProducerId != producerId && !retry)
            {
                return EndTxnResult.Failed(ErrorCode.InvalidProducerIdMapping);
            }

            if (current.ProducerEpoch != producerEpoch && !retry)
            {
                return EndTxnResult.Failed(ErrorCode.ProducerFenced);
            }

            var same = new EndTxnResult(ErrorCode.None, current.ProducerId, current.ProducerEpoch);
            switch (current.State)
            {
                case TransactionState.Ongoing when !retry:
                    return await PrepareEndAsync(partition!, entry, current, commit, bumpEpochPerTransaction, ct).ConfigureAwait(false);
                case TransactionState.Ongoing:
                    // At the epoch before the bump, yet a transaction is open at the new one: not a retry of this end.
                    return EndTxnResult.Failed(ErrorCode.ProducerFenced);
                case TransactionState.PrepareCommit:
                    return EndTxnResult.Failed(commit ? ErrorCode.ConcurrentTransactions : ErrorCode.InvalidTxnState);
                case TransactionState.PrepareAbort:
                    return EndTxnResult.Failed(commit ? ErrorCode.InvalidTxnState : ErrorCode.ConcurrentTransactions);
                case TransactionState.CompleteCommit when commit && (retry || !bumpEpochPerTransaction):
                case TransactionState.CompleteAbort when !commit && (retry || !bumpEpochPerTransaction):
                    return same;
                case TransactionState.Empty or TransactionState.CompleteCommit or TransactionState.CompleteAbort
                    when !commit && bumpEpochPerTransaction && !retry:
                    return await PrepareEndAsync(partition!, entry, current, commit: false, bumpEpoch: true, ct).ConfigureAwait(false);
                default:
                    return EndTxnResult.Failed(ErrorCode.InvalidTxnState);
            }
        }
        finally
        {
            Release(partition!, entry!);
        }
    }

    /// <summary>
    /// KIP-890 part 2: the producer's end was applied (the epoch was bumped, maybe the id rotated) but it
    /// did not get the answer, so it asks again at the epoch before the bump.
    /// </summary>
    private static bool IsRetryOfBumpedEnd(TransactionMetadata current, long producerId, short producerEpoch)
    {
        if (current.LastProducerEpoch != producerEpoch || current.State is TransactionState.Empty)
        {
            return false;
        }

        var bumped = producerId == current.ProducerId && producerEpoch == current.ProducerEpoch - 1;
        var rotated = producerId == current.PreviousProducerId && producerId != current.ProducerId
            && current.State is TransactionState.CompleteCommit or TransactionState.CompleteAbort;
        return bumped || rotated;
    }

    /// <summary>Writes the Prepare state; the markers and the Complete state follow in the background.</summary>
    private async Task<EndTxnResult> PrepareEndAsync(CoordinatorPartition partition, TransactionEntry entry, TransactionMetadata current,
        bool commit, bool bumpEpoch, CancellationToken ct)
    {
        var next = current with
        {
            State = commit ? TransactionState.PrepareCommit : TransactionState.PrepareAbort,
            TransactionLastUpdateTimestampMs = NowMs,
        };
        if (bumpEpoch)
        {
            var epoch = (short)(current.ProducerEpoch + 1);
            next = next with { ProducerEpoch = epoch, LastProducerEpoch = current.ProducerEpoch };
            if (TransactionMetadata.IsEpochExhausted(epoch))
            {
                // The markers still go out at the bumped epoch; the producer continues with a new id at 0.
                var nextProducerId = await TryGenerateProducerIdAsync(current.TransactionalId, ct).ConfigureAwait(false);
                if (nextProducerId is null)
                {
                    return EndTxnResult.Failed(ErrorCode.CoordinatorLoadInProgress);
                }

                next = next with { NextProducerId = nextProducerId.Value };
            }
        }

        if (!await WriteAsync(partition, entry, next, ct).ConfigureAwait(false))
        {
            return EndTxnResult.Failed(ErrorCode.NotCoordinator);
        }

        StartCompletion(partition, entry, entry.Stored!);
        return next.NextProducerId != TransactionMetadata.NoProducerId
            ? new EndTxnResult(ErrorCode.None, next.NextProducerId, 0)
            : new EndTxnResult(ErrorCode.None, next.ProducerId, next.ProducerEpoch);
    }
}
