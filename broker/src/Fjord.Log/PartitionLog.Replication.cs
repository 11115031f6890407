using Fjord.Log.Checkpoints;
using Fjord.Log.Producers;
using Fjord.Log.Records;
using Fjord.Log.Segments;

namespace Fjord.Log;

public sealed partial class PartitionLog
{
    /// <summary>
    /// A follower's append of batches fetched from the leader: offsets and leader epochs are kept as
    /// the leader assigned them (no rewriting), CRCs are still checked. The first batch must start
    /// at or after the log end offset and offsets must increase, or nothing is written.
    /// </summary>
    public AppendResult AppendAsFollower(Memory<byte> records)
    {
        var config = Config;
        // The leader already enforced max.message.bytes under its config; a follower must not refuse its data.
        var summary = BatchValidator.Validate(records.Span, int.MaxValue);
        AppendResult result;
        lock (_appendLock)
        {
            ThrowIfClosed();
            var span = records.Span;
            var first = new RecordBatch(span).BaseOffset;
            var expected = _logEndOffset;
            if (first < expected)
            {
                throw new InvalidRecordException($"follower append starts at offset {first}, below the log end offset {expected} of {TopicPartitionDirectory}");
            }

            long next = first;
            for (var position = 0; position < span.Length;)
            {
                var batch = new RecordBatch(span[position..]);
                if (batch.BaseOffset < next)
                {
                    throw new InvalidRecordException($"follower append has batch offsets going backwards at {batch.BaseOffset}");
                }

                next = batch.NextOffset;
                position += batch.SizeInBytes;
            }

            _producers.PrepareReplicatedAppend(span);
            var nowMs = NowMs();
            var active = MaybeRoll(summary.SizeInBytes, nowMs, next - 1, config, rollAt: first);
            if (active.Size == 0 && active.BaseOffset < first && _segments.Length == 1 && first > _logEndOffset)
            {
                // An empty log following a leader whose data starts later: start the segment where the data starts.
                active = ReplaceEmptyActiveSegment(first, nowMs);
            }

            WriteToSegment(active, span);
            for (var position = 0; position < span.Length;)
            {
                var batch = new RecordBatch(span[position..]);
                if (batch.PartitionLeaderEpoch > _epochs.LatestEpoch)
                {
                    _epochs.Assign(batch.PartitionLeaderEpoch, batch.BaseOffset);
                }

                position += batch.SizeInBytes;
            }

            _producers.CompleteAppend();
            IndexCompletedAborts(active);
            PublishFirstUnstableOffset();
            Volatile.Write(ref _logEndOffset, next);
            result = new AppendResult(first, next - 1, -1, _logStartOffset, summary.RecordCount);
        }

        SignalAppend();
        if (LogEndOffset - RecoveryPoint >= config.FlushMessages)
        {
            Flush();
        }

        return result;
    }

    /// <summary>
    /// A new leader's first act (Kafka's makeLeader): its epoch starts at its log end offset, so
    /// OffsetForLeaderEpoch and fetch divergence checks know where the previous epoch ended even
    /// before the new leader appends anything.
    /// </summary>
    public void AssignLeaderEpoch(int leaderEpoch)
    {
        lock (_appendLock)
        {
            ThrowIfClosed();
            if (leaderEpoch > _epochs.LatestEpoch)
            {
                _epochs.Assign(leaderEpoch, _logEndOffset);
            }
        }
    }

    private LogSegment ReplaceEmptyActiveSegment(long baseOffset, long nowMs)
    {
        var old = _segments[^1];
        var fresh = LogSegment.Create(TopicPartitionDirectory, baseOffset, Config, nowMs);
        _openedLogStartOffset = -1;
        Volatile.Write(ref _logStartOffset, Math.Max(_logStartOffset, baseOffset));
        Volatile.Write(ref _segments, [fresh]);
        old.Delete();
        return fresh;
    }

    /// <summary>
    /// Follower truncation (OffsetForLeaderEpoch divergence): removes every batch at or after the batch
    /// holding <paramref name="offset"/>. Truncating below the log start offset empties the log and
    /// restarts it at <paramref name="offset"/>, as Kafka's truncateFullyAndStartAt does.
    /// Concurrent reads of the removed range may fail with <see cref="LogStorageException"/>.
    /// </summary>
    public void TruncateTo(long offset)
    {
        lock (_appendLock)
        {
            ThrowIfClosed();
            if (offset >= _logEndOffset)
            {
                // No record to remove, but an epoch may still start at the end: this replica led that
                // epoch briefly (AssignLeaderEpoch) without appending before another leader took over.
                // Kept, it would be the LastFetchedEpoch of every fetch, which the new leader answers
                // with the same divergence again and again: the follower would never append (Kafka's
                // UnifiedLog.truncateTo truncates the epoch cache here for the same reason).
                _epochs.TruncateFromEnd(_logEndOffset);
                return;
            }

            // Below the first local segment too (a tiered log): nothing local to keep, as Kafka's truncateTo.
            if (offset < _logStartOffset || offset < _segments[0].BaseOffset)
            {
                TruncateFullyAndStartAtCore(offset);
                return;
            }

            var segments = _segments;
            var keep = IndexOfSegmentHolding(segments, offset);
            if (segments[keep].BaseOffset == offset && keep > 0)
            {
                keep--; // the holding segment would become empty: keep its predecessor as the active one
            }

            var active = segments[keep];
            Volatile.Write(ref _segments, segments[..(keep + 1)]);
            for (var i = keep + 1; i < segments.Length; i++)
            {
                segments[i].Delete();
            }

            active.TruncateTo(offset);
            var logEndOffset = active.NextOffset;
            Volatile.Write(ref _logEndOffset, logEndOffset);
            Volatile.Write(ref _highWatermark, Math.Min(_highWatermark, logEndOffset));
            Volatile.Write(ref _recoveryPoint, Math.Min(_recoveryPoint, logEndOffset));
            _epochs.TruncateFromEnd(logEndOffset);
            // Kafka's truncateTo reloads producer state: snapshots above the new end describe removed batches.
            // A transaction whose marker was removed is open again; the segment truncation above already
            // dropped its transaction index entry.
            RebuildProducerState();
        }
    }

    /// <summary>Deletes every segment and restarts the log empty at <paramref name="offset"/>.</summary>
    public void TruncateFullyAndStartAt(long offset)
    {
        lock (_appendLock)
        {
            ThrowIfClosed();
            TruncateFullyAndStartAtCore(offset);
        }
    }

    /// <summary>
    /// KIP-405's rebuild of a replica from the remote tier: the local log restarts empty at
    /// <paramref name="localStartOffset"/> (the first offset not in remote storage), while the log
    /// consumers see starts at <paramref name="logStartOffset"/> (the oldest remote offset), and the
    /// leader epochs of the remote part are restored so divergence checks and OffsetForLeaderEpoch
    /// still answer for it. <paramref name="producerSnapshot"/>, the snapshot uploaded with the last remote
    /// segment, restores the producers; a corrupt one is ignored (the state then starts empty).
    /// </summary>
    public void TruncateFullyAndStartAt(long localStartOffset, long logStartOffset, IReadOnlyList<EpochEntry> epochs, byte[]? producerSnapshot = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(localStartOffset);
        ArgumentOutOfRangeException.ThrowIfNegative(logStartOffset);
        ArgumentNullException.ThrowIfNull(epochs);
        lock (_appendLock)
        {
            ThrowIfClosed();
            TruncateFullyAndStartAtCore(localStartOffset);
            Volatile.Write(ref _logStartOffset, Math.Min(logStartOffset, localStartOffset));
            foreach (var entry in epochs)
            {
                if (entry.StartOffset <= localStartOffset)
                {
                    _epochs.Assign(entry.Epoch, Math.Max(entry.StartOffset, _logStartOffset));
                }
            }

            if (producerSnapshot is not null)
            {
                File.WriteAllBytes(ProducerSnapshotFile.PathFor(TopicPartitionDirectory, localStartOffset), producerSnapshot);
                _producers.LoadLatestSnapshot(localStartOffset, localStartOffset);
                PublishFirstUnstableOffset();
            }
        }
    }

    private void TruncateFullyAndStartAtCore(long offset)
    {
        var old = _segments;
        foreach (var segment in old)
        {
            segment.Delete();
        }

        var fresh = LogSegment.Create(TopicPartitionDirectory, offset, Config, NowMs());
        _openedLogStartOffset = -1;
        Volatile.Write(ref _logStartOffset, offset);
        Volatile.Write(ref _segments, [fresh]);
        Volatile.Write(ref _logEndOffset, offset);
        Volatile.Write(ref _highWatermark, offset);
        Volatile.Write(ref _recoveryPoint, offset);
        _epochs.Clear();
        _producers.Reset();
        PublishFirstUnstableOffset();
    }
}
