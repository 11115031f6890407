using Fjord.Log.Segments;

namespace Fjord.Log;

public sealed partial class PartitionLog
{
    // The producer state's first unstable offset, republished after every change under the append
    // lock so fetches read it without taking the lock; -1 when no transaction is open.
    private long _firstUnstableOffset = -1;

    /// <summary>
    /// Kafka's firstUnstableOffset: where the oldest transaction starts that is still open at this
    /// partition, or whose marker is not below the high watermark yet (never below the log start offset);
    /// null when there is none. The broker's last stable offset is min(<see cref="HighWatermark"/>, this).
    /// </summary>
    public long? FirstUnstableOffset
    {
        get
        {
            var first = Volatile.Read(ref _firstUnstableOffset);
            return first < 0 ? null : Math.Max(first, LogStartOffset);
        }
    }

    /// <summary>
    /// The fetch response's AbortedTransactions for records in [<paramref name="fetchOffset"/>,
    /// <paramref name="upperBoundOffset"/>) (Kafka's collectAbortedTransactions): every aborted
    /// transaction that ends at or after the fetch offset and starts below the upper bound, read from the
    /// transaction indexes of the local segments from the one holding the fetch offset onward. The search
    /// continues past the upper bound's segment, because a transaction's abort marker may be far after
    /// its records, until an entry shows that the log was stable up to the upper bound when it was
    /// written. Returns a shared empty list when there is nothing (no allocation). Lock-free.
    /// </summary>
    public IReadOnlyList<AbortedTransaction> CollectAbortedTransactions(long fetchOffset, long upperBoundOffset)
    {
        var segments = Volatile.Read(ref _segments);
        List<AbortedTransaction>? found = null;
        for (var i = IndexOfSegmentHolding(segments, fetchOffset); i < segments.Length; i++)
        {
            if (AbortedTxn.Collect(segments[i].TxnIndex.Entries, fetchOffset, upperBoundOffset, ref found))
            {
                break;
            }
        }

        return found is null ? Array.Empty<AbortedTransaction>() : found;
    }

    /// <summary>
    /// Writes the aborts of the append just completed into the transaction index of the segment that
    /// received the markers. Caller holds the append lock.
    /// </summary>
    private void IndexCompletedAborts(LogSegment segment)
    {
        var aborts = _producers.CompletedAborts;
        for (var i = 0; i < aborts.Count; i++)
        {
            try
            {
                segment.TxnIndex.Append(aborts[i]);
            }
            catch (IOException e)
            {
                throw new LogStorageException($"write to {segment.TxnIndex.Path} failed: {e.Message}", e);
            }
        }
    }

    /// <summary>Transactions whose markers the high watermark passed become stable. Caller holds the append lock.</summary>
    private void OnHighWatermarkUpdated()
    {
        _producers.OnHighWatermarkUpdated(_highWatermark);
        PublishFirstUnstableOffset();
    }

    /// <summary>Publishes the producer state's first unstable offset. Caller holds the append lock.</summary>
    private void PublishFirstUnstableOffset() =>
        Volatile.Write(ref _firstUnstableOffset, _producers.FirstUnstableOffset ?? -1);
}
