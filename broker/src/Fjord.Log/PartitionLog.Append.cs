using Fjord.Log.Compression;
using Fjord.Log.Records;
using Fjord.Log.Segments;

namespace Fjord.Log;

public sealed partial class PartitionLog
{
    /// <summary>
    /// Validates a produce payload, assigns offsets and the leader epoch in place, and appends it
    /// byte-for-byte with one write; only when the topic's compression.type names a codec that some
    /// batch does not use is the payload first rewritten into a pooled buffer. Throws a
    /// <see cref="LogException"/> subtype, having written nothing, when any batch is invalid.
    /// </summary>
    public AppendResult AppendAsLeader(Memory<byte> records, int leaderEpoch, AppendOrigin origin = AppendOrigin.Client) =>
        AppendAsLeader(records, leaderEpoch, origin, verificationGuard: null);

    /// <summary>
    /// <see cref="AppendAsLeader(Memory{byte}, int, AppendOrigin)"/> of a client write whose transaction was
    /// verified under <paramref name="verificationGuard"/> (<see cref="BeginTransactionVerification"/>).
    /// </summary>
    public AppendResult AppendAsLeader(Memory<byte> records, int leaderEpoch, AppendOrigin origin, object? verificationGuard)
    {
        var config = Config;
        // Validation is the CPU-heavy part (CRC over every byte): keep it outside the append lock.
        var summary = BatchValidator.Validate(records.Span, config.MaxMessageBytes);
        if (config.CompressionType != BrokerCompressionType.Producer
            && BatchRecompressor.NeedsRecompression(records.Span, config.CompressionType.ToCodec()))
        {
            // Only a topic with a codec of its own pays for this; compression.type=producer never gets here.
            using var recompressed = BatchRecompressor.Recompress(records, config.CompressionType.ToCodec(), config.CompressionLevels, config.MaxMessageBytes);
            return AppendValidated(recompressed.WrittenMemory, summary with { SizeInBytes = recompressed.WrittenCount }, leaderEpoch, origin, verificationGuard, config);
        }

        return AppendValidated(records, summary, leaderEpoch, origin, verificationGuard, config);
    }

    private AppendResult AppendValidated(Memory<byte> records, PayloadSummary summary, int leaderEpoch, AppendOrigin origin, object? verificationGuard, LogConfig config)
    {
        if (summary.SizeInBytes > config.SegmentBytes)
        {
            throw new RecordTooLargeException($"append of {summary.SizeInBytes} bytes exceeds segment.bytes {config.SegmentBytes}");
        }

        AppendResult result;
        lock (_appendLock)
        {
            ThrowIfClosed();
            var nowMs = NowMs();
            var appendTime = config.MessageTimestampType == TimestampType.LogAppendTime ? nowMs : -1;
            var firstOffset = _logEndOffset;
            if (origin != AppendOrigin.Client)
            {
                _producers.PrepareCoordinatorAppend(records.Span, firstOffset, appendTime);
            }
            else if (_producers.PrepareClientAppend(records.Span, firstOffset, appendTime, verificationGuard, out var duplicate))
            {
                // Kafka's answer to a retried batch: where it was written the first time, and nothing new.
                return new AppendResult(duplicate.FirstOffset, duplicate.LastOffset, appendTime >= 0 ? duplicate.Timestamp : -1, _logStartOffset, 0, IsDuplicate: true);
            }

            var nextOffset = AssignOffsets(records.Span, firstOffset, leaderEpoch, appendTime);
            var active = MaybeRoll(summary.SizeInBytes, nowMs, nextOffset - 1, config);
            WriteToSegment(active, records.Span);
            if (leaderEpoch > _epochs.LatestEpoch)
            {
                _epochs.Assign(leaderEpoch, firstOffset);
            }

            _producers.CompleteAppend();
            IndexCompletedAborts(active);
            PublishFirstUnstableOffset();
            // Publish last: a reader that sees the new log end offset finds every byte of it in the segment.
            Volatile.Write(ref _logEndOffset, nextOffset);
            result = new AppendResult(firstOffset, nextOffset - 1, appendTime, _logStartOffset, summary.RecordCount);
        }

        SignalAppend();
        if (LogEndOffset - RecoveryPoint >= config.FlushMessages)
        {
            Flush();
        }

        return result;
    }

    private void WriteToSegment(LogSegment segment, ReadOnlySpan<byte> payload)
    {
        try
        {
            segment.Append(payload);
        }
        catch (IOException e)
        {
            // Nothing was published; a partial write past the published size is overwritten by the next
            // append or truncated by recovery.
            throw new LogStorageException($"write to {segment.LogPath} failed: {e.Message}", e);
        }
    }

    private static long AssignOffsets(Span<byte> payload, long firstOffset, int leaderEpoch, long appendTime)
    {
        var next = firstOffset;
        var position = 0;
        while (position < payload.Length)
        {
            var batch = new RecordBatch(payload[position..]);
            batch.BaseOffset = next;
            batch.PartitionLeaderEpoch = leaderEpoch;
            if (appendTime >= 0)
            {
                // Kafka stamps LogAppendTime at batch level only: the type bit and maxTimestamp, then a new CRC.
                batch.SetMaxTimestamp(TimestampType.LogAppendTime, appendTime);
            }

            next = batch.NextOffset;
            position += batch.SizeInBytes;
        }

        return next;
    }

    /// <summary>Kafka's maybeRoll: size, age, full indexes, or relative offsets that would overflow int32.</summary>
    private LogSegment MaybeRoll(int appendBytes, long nowMs, long lastOffset, LogConfig config, long? rollAt = null)
    {
        var active = _segments[^1];
        if (active.Size > 0
            && (active.Size > config.SegmentBytes - (long)appendBytes
                || active.ShouldRollForTime(nowMs, config.SegmentMs)
                || active.IndexesFull
                || lastOffset - active.BaseOffset > int.MaxValue))
        {
            return RollCore(nowMs, rollAt);
        }

        return active;
    }

    /// <summary>Closes the active segment and starts a new one at the log end offset.</summary>
    public void Roll()
    {
        lock (_appendLock)
        {
            ThrowIfClosed();
            if (_segments[^1].Size > 0)
            {
                RollCore(NowMs());
            }
        }
    }

    private LogSegment RollCore(long nowMs, long? baseOffset = null)
    {
        var old = _segments[^1];
        // Kafka snapshots producer state at every roll, so a restart after a crash replays at most the active segment.
        _producers.TakeSnapshot(baseOffset ?? _logEndOffset);
        var fresh = LogSegment.Create(TopicPartitionDirectory, baseOffset ?? _logEndOffset, Config, nowMs);
        old.OnBecomeInactive();
        Volatile.Write(ref _segments, [.. _segments, fresh]);
        Log.Rolled(_logger, TopicPartitionDirectory, fresh.BaseOffset);
        return fresh;
    }
}
