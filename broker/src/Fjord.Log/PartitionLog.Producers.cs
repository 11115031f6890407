using Fjord.Log.Producers;

namespace Fjord.Log;

public sealed partial class PartitionLog
{
    /// <summary>The producers this replica knows, as of the log end offset (copies: the live state changes under the append lock).</summary>
    public IReadOnlyList<ProducerStateEntry> ActiveProducers
    {
        get
        {
            lock (_appendLock)
            {
                return [.. _producers.Producers.Select(p => p.Clone())];
            }
        }
    }

    /// <summary>Whether the producer has a transaction open here at <paramref name="producerEpoch"/> (no copy of its state).</summary>
    public bool HasOpenTransaction(long producerId, short producerEpoch)
    {
        lock (_appendLock)
        {
            return _producers.LastEntry(producerId) is { CurrentTxnFirstOffset: >= 0 } entry && entry.ProducerEpoch == producerEpoch;
        }
    }

    /// <summary>The state of one producer, or null (a copy).</summary>
    public ProducerStateEntry? ProducerState(long producerId)
    {
        lock (_appendLock)
        {
            return _producers.LastEntry(producerId)?.Clone();
        }
    }

    /// <summary>
    /// Starts KIP-890's verification of a producer's transactional write (Kafka's VerificationGuard): pass
    /// the guard to the append once the coordinator's state confirmed the transaction; a marker of the
    /// producer written in between makes that append fail instead of opening a transaction nobody ends.
    /// </summary>
    public object BeginTransactionVerification(long producerId)
    {
        lock (_appendLock)
        {
            return _producers.BeginVerification(producerId);
        }
    }

    /// <summary>producer.id.expiration.ms: forgets producers idle for that long. Returns how many went.</summary>
    public int RemoveExpiredProducers(long expirationMs)
    {
        lock (_appendLock)
        {
            return _closed ? 0 : _producers.RemoveExpiredProducers(NowMs(), expirationMs);
        }
    }

    /// <summary>
    /// Kafka's loadProducerState: the newest snapshot at or below the log end offset, then the batches
    /// after it, read header by header (and, for control batches, their marker). Recovery passes
    /// <paramref name="rebuildTxnIndexFrom"/>, the base offset of the first segment whose transaction
    /// index it emptied: the replay then starts from a snapshot at or below it, so every abort marker
    /// from there on is replayed and indexed again in its segment. Caller holds the append lock (or owns
    /// the log, in Open).
    /// </summary>
    private void RebuildProducerState(long rebuildTxnIndexFrom = long.MaxValue)
    {
        var segments = _segments;
        var logEndOffset = _logEndOffset;
        var snapshotAtOrBelow = Math.Min(logEndOffset, rebuildTxnIndexFrom);
        var from = Math.Max(_producers.LoadLatestSnapshot(snapshotAtOrBelow, segments[0].BaseOffset, logEndOffset), segments[0].BaseOffset);
        foreach (var segment in segments)
        {
            if (segment.NextOffset <= from)
            {
                continue;
            }

            foreach (var (header, marker) in segment.ReplayBatchesFrom(from))
            {
                if (header.BaseOffset >= logEndOffset)
                {
                    break;
                }

                if (header.BaseOffset >= from)
                {
                    _producers.Replay(header, marker);
                    if (header.BaseOffset >= rebuildTxnIndexFrom)
                    {
                        IndexCompletedAborts(segment);
                    }
                }
            }
        }

        _producers.EvictProducersBelow(_logStartOffset);
        OnHighWatermarkUpdated();
    }
}
