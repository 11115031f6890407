using Fjord.Log;

namespace Fjord.Tiering;

public sealed partial class RemoteLogReader
{
    /// <summary>
    /// The AbortedTransactions of a read_committed fetch served from the remote tier (Kafka's
    /// RemoteLogManager.collectAbortedTransactions): the aborted transactions that end at or after
    /// <paramref name="fetchOffset"/> and start below <paramref name="upperBoundOffset"/> (the offset after
    /// the last batch returned), from the txnindex of the remote segment holding the fetch offset and of
    /// the contiguous segments after it. An abort marker may lie far past the records it aborts, so the
    /// walk goes on past the upper bound until an entry's last stable offset reaches it, and, when the
    /// remote segments run out first, into <paramref name="localLog"/>'s segments (pass null to search
    /// the remote tier only). Duplicates (a segment both uploaded and still local) are returned once.
    /// Returns a shared empty list when there is nothing. Failures surface as
    /// <see cref="RemoteStorageUnavailableException"/>, as for <see cref="ReadAsync"/>.
    /// </summary>
    public async Task<IReadOnlyList<AbortedTransaction>> CollectAbortedTransactionsAsync(
        Guid topicId, int partition, long fetchOffset, long upperBoundOffset, PartitionLog? localLog, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(fetchOffset);
        List<AbortedTransaction>? found = null;
        try
        {
            var segments = await FindSegmentsAsync(topicId, partition, fetchOffset, ct).ConfigureAwait(false);
            var index = FindIndex(segments, fetchOffset);
            while (index >= 0)
            {
                var entries = await _txnIndexes.GetAsync(segments[index], ct).ConfigureAwait(false);
                if (AbortedTxn.Collect(entries, fetchOffset, upperBoundOffset, ref found))
                    return found ?? (IReadOnlyList<AbortedTransaction>)Array.Empty<AbortedTransaction>();
                index = NextContiguous(segments, index);
            }
        }
        catch (Exception e) when (IsStorageFailure(e, ct))
        {
            throw Unavailable(topicId, partition, fetchOffset, e);
        }

        if (localLog is not null)
        {
            foreach (var local in localLog.CollectAbortedTransactions(fetchOffset, upperBoundOffset))
            {
                if (found is null || !found.Contains(local))
                    (found ??= []).Add(local);
            }
        }

        return found is null ? Array.Empty<AbortedTransaction>() : found;
    }
}
