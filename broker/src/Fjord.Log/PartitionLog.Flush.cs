namespace Fjord.Log;

public sealed partial class PartitionLog
{
    private readonly Lock _flushLock = new();
    private long _lastFlushMs;

    /// <summary>Told how long each fsync took; set by the log manager as it opens the log.</summary>
    internal ILogFlushObserver? FlushObserver { get; set; }

    /// <summary>Messages appended but not yet fsynced (Kafka: logEndOffset - recoveryPoint).</summary>
    public long UnflushedMessages => LogEndOffset - RecoveryPoint;

    /// <summary>
    /// Fsyncs everything appended so far and advances the recovery point. Group flush: callers
    /// queue on the flush lock, not the append lock, so appends continue meanwhile, and a caller
    /// whose data an earlier fsync already covered returns without another fsync.
    /// </summary>
    public void Flush() => FlushCore(LogEndOffset);

    /// <summary>The flush.ms scheduler's check: flush once the last flush is at least flush.ms old.</summary>
    public void FlushIfDue()
    {
        var flushMs = Config.FlushMs;
        if (flushMs != long.MaxValue && UnflushedMessages > 0 && NowMs() - Volatile.Read(ref _lastFlushMs) >= flushMs)
        {
            Flush();
        }
    }

    private void FlushCore(long upTo)
    {
        lock (_flushLock)
        {
            var recoveryPoint = RecoveryPoint;
            if (upTo <= recoveryPoint)
            {
                return;
            }

            // Re-read the end: anything appended while this caller waited rides on the same fsync.
            var target = LogEndOffset;
            var started = FlushObserver is null ? 0 : _time.GetTimestamp();
            foreach (var segment in Volatile.Read(ref _segments))
            {
                if (segment.NextOffset > recoveryPoint && segment.TryAcquire())
                {
                    try
                    {
                        segment.Flush();
                    }
                    finally
                    {
                        segment.Release();
                    }
                }
            }

            FlushObserver?.Flushed(_time.GetElapsedTime(started));
            Volatile.Write(ref _recoveryPoint, target);
            Volatile.Write(ref _lastFlushMs, NowMs());
        }
    }
}
