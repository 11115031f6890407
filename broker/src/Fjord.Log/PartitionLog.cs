using System.Globalization;
using Fjord.Log.Checkpoints;
using Fjord.Log.Producers;
using Fjord.Log.Segments;
using Microsoft.Extensions.Logging;

namespace Fjord.Log;

/// <summary>
/// The local log of one partition replica (the local part of Kafka's UnifiedLog): a directory
/// <c>&lt;topic&gt;-&lt;partition&gt;</c> of segments, the leader-epoch checkpoint and partition.metadata.
/// Appends are serialized by one lock; reads never take it. Readers work on an immutable snapshot
/// of the segment array and pin the segment they read, so roll, retention and DeleteRecords can
/// run concurrently with them.
/// </summary>
public sealed partial class PartitionLog
{
    private static readonly string[] StraySuffixes = [".deleted", ".cleaned", ".swap", ".tmp"];

    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Lock _appendLock = new();
    private readonly LeaderEpochCheckpoint _epochs;
    private readonly ProducerStateManager _producers;
    private LogConfig _config;
    private LogSegment[] _segments;
    private long _logEndOffset;
    private long _logStartOffset;
    private long _highWatermark;
    private long _recoveryPoint;
    private TaskCompletionSource _appendSignal = NewSignal();
    private int _appendSignalObserved;
    private long _reads;
    private bool _closed;

    // The start offset Open was given, kept until the first UpdateConfig: a log loaded with the broker
    // defaults before its topic config was known may turn out to be tiered (see UpdateConfig).
    private long _openedLogStartOffset = -1;

    private PartitionLog(string directory, Guid topicId, LogConfig config, TimeProvider time, ILogger logger, LogSegment[] segments, LeaderEpochCheckpoint epochs)
    {
        TopicPartitionDirectory = directory;
        TopicId = topicId;
        _config = config;
        _time = time;
        _logger = logger;
        _segments = segments;
        _epochs = epochs;
        _producers = new ProducerStateManager(directory);
        _lastFlushMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (TopicPartitionName.TryParse(Path.GetFileName(directory), out var topic, out var partition))
        {
            Topic = topic;
            Partition = partition;
        }
        else
        {
            Topic = Path.GetFileName(directory);
            Partition = -1;
        }
    }

    public Guid TopicId { get; }

    public string TopicPartitionDirectory { get; }

    public string Topic { get; }

    public int Partition { get; }

    public LogConfig Config => Volatile.Read(ref _config);

    /// <summary>The first offset consumers may read; only ever moves forward.</summary>
    public long LogStartOffset => Volatile.Read(ref _logStartOffset);

    /// <summary>One past the last appended offset.</summary>
    public long LogEndOffset => Volatile.Read(ref _logEndOffset);

    /// <summary>The last committed offset + 1, set by the replica manager; never above LogEndOffset.</summary>
    public long HighWatermark => Volatile.Read(ref _highWatermark);

    /// <summary>Everything below this offset is known to be on disk (fsynced).</summary>
    public long RecoveryPoint => Volatile.Read(ref _recoveryPoint);

    public int LatestLeaderEpoch => _epochs.LatestEpoch;

    public LeaderEpochCheckpoint LeaderEpochs => _epochs;

    /// <summary>Segments rescanned by the last <see cref="Open(string, Guid, LogConfig, TimeProvider, ILogger, bool, long)"/>; 0 after a clean shutdown.</summary>
    public int SegmentsRecoveredOnOpen { get; private set; }

    public int SegmentCount => Volatile.Read(ref _segments).Length;

    /// <summary>Total bytes of all segment files.</summary>
    public long Size => Volatile.Read(ref _segments).Sum(s => s.Size);

    /// <summary>Base offsets of the segments, oldest first (for tiering and diagnostics).</summary>
    public IReadOnlyList<long> SegmentBaseOffsets => [.. Volatile.Read(ref _segments).Select(s => s.BaseOffset)];

    /// <summary>
    /// Kafka's localLogStartOffset (KIP-405): the first offset still on local disk. Equal to
    /// <see cref="LogStartOffset"/> unless the log is tiered and uploaded segments were deleted locally
    /// (<see cref="DeleteLocalSegmentsBefore"/>); offsets in between are read from the remote tier.
    /// Not persisted: after a restart it is the first segment's base offset again.
    /// </summary>
    public long LocalLogStartOffset
    {
        get
        {
            // Segments first: a writer moves the start offset before it publishes a shorter array.
            var segments = Volatile.Read(ref _segments);
            return Math.Max(LogStartOffset, segments[0].BaseOffset);
        }
    }

    /// <summary>
    /// The local segments, oldest first, the active one last, from one snapshot of the segment array.
    /// A closed segment's entry stays true until it is deleted; the active one's size and next offset
    /// are read at slightly different moments while appends continue, the next offset first, so the
    /// size may include a batch the next offset does not cover yet.
    /// </summary>
    public IReadOnlyList<SegmentInfo> Segments
    {
        get
        {
            var segments = Volatile.Read(ref _segments);
            var result = new SegmentInfo[segments.Length];
            for (var i = 0; i < segments.Length; i++)
            {
                var segment = segments[i];
                var nextOffset = segment.NextOffset;
                result[i] = new SegmentInfo(
                    segment.BaseOffset,
                    nextOffset,
                    segment.Size,
                    segment.LargestTimestamp,
                    segment.LogPath,
                    segment.IndexPath,
                    segment.TimeIndexPath,
                    IsActive: i == segments.Length - 1)
                {
                    TransactionIndexPath = segment.TxnIndex.IsEmpty ? null : segment.TxnIndex.Path,
                };
            }

            return result;
        }
    }

    public static PartitionLog Open(string directory, Guid topicId, LogConfig config, TimeProvider time, ILogger logger, bool hadCleanShutdown, long recoveryPoint) =>
        Open(directory, topicId, config, time, logger, hadCleanShutdown, recoveryPoint, logStartOffset: 0, highWatermark: 0);

    /// <summary>
    /// Loads (or creates) the log in <paramref name="directory"/>. After an unclean stop every segment
    /// from the one holding <paramref name="recoveryPoint"/> onwards is rescanned and its torn tail
    /// truncated; after a clean stop the indexes on disk are trusted.
    /// </summary>
    public static PartitionLog Open(string directory, Guid topicId, LogConfig config, TimeProvider time, ILogger logger, bool hadCleanShutdown, long recoveryPoint, long logStartOffset, long highWatermark)
    {
        Directory.CreateDirectory(directory);
        var stored = PartitionMetadataFile.Read(directory);
        if (stored is { } storedId && storedId != topicId)
        {
            throw new LogStorageException($"log directory {directory} belongs to topic id {storedId}, not {topicId}");
        }

        if (stored is null)
        {
            PartitionMetadataFile.Write(directory, topicId);
        }

        DeleteStrayFiles(directory, logger);
        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        var baseOffsets = Directory.EnumerateFiles(directory, "*" + LogSegment.LogSuffix)
            .Select(p => Path.GetFileNameWithoutExtension(p))
            .Select(n => long.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out var b) ? b : -1)
            .Where(b => b >= 0)
            .Order()
            .ToList();

        var segments = new List<LogSegment>();
        var recovered = 0;
        var firstRecovered = long.MaxValue;
        var recoverFrom = hadCleanShutdown ? long.MaxValue : SegmentHolding(baseOffsets, recoveryPoint);
        foreach (var baseOffset in baseOffsets)
        {
            var segment = LogSegment.Open(directory, baseOffset, config, nowMs);
            if (baseOffset >= recoverFrom || !segment.TryLoadIndexes())
            {
                recovered++;
                firstRecovered = Math.Min(firstRecovered, baseOffset);
                var truncated = segment.Recover();
                segments.Add(segment);
                if (truncated > 0)
                {
                    Log.TruncatedTail(logger, directory, baseOffset, truncated);
                    // Kafka's rule: data after an invalid batch cannot be trusted, so later segments go too.
                    foreach (var later in baseOffsets.Where(b => b > baseOffset))
                    {
                        var doomed = LogSegment.Open(directory, later, config, nowMs);
                        doomed.Delete();
                        Log.DeletedAfterCorruption(logger, directory, later);
                    }

                    break;
                }
            }
            else
            {
                segments.Add(segment);
            }
        }

        if (segments.Count == 0)
        {
            segments.Add(LogSegment.Create(directory, Math.Max(0, logStartOffset), config, nowMs));
        }

        var epochs = LeaderEpochCheckpoint.Load(directory);
        var log = new PartitionLog(directory, topicId, config, time, logger, [.. segments], epochs);
        var logEndOffset = segments[^1].NextOffset;
        epochs.TruncateFromEnd(logEndOffset);
        log._logEndOffset = logEndOffset;
        // A tiered log keeps the checkpointed start offset below its first local segment (Kafka's
        // LogLoader does the same): the offsets in between are in the remote tier.
        // A negative start offset means none was checkpointed: the local data is all that is known.
        var firstAvailable = config.RemoteStorageEnable && logStartOffset >= 0 ? logStartOffset : Math.Max(logStartOffset, segments[0].BaseOffset);
        log._logStartOffset = Math.Min(firstAvailable, logEndOffset);
        log._openedLogStartOffset = config.RemoteStorageEnable ? -1 : logStartOffset;
        log._highWatermark = Math.Clamp(highWatermark, log._logStartOffset, logEndOffset);
        log.SegmentsRecoveredOnOpen = recovered;
        if (recovered > 0)
        {
            // The rescanned bytes are valid now; make them durable so the recovery point can move to the end.
            foreach (var segment in segments)
            {
                segment.Flush();
            }

            // A closed segment's index files are written when it rolls; a kill between the roll and that
            // write leaves a closed segment with its indexes only in memory after recovery, and the remote
            // tier (which uploads the files) could never copy it. Write them now; the active one's come
            // with its own roll.
            for (var i = 0; i < segments.Count - 1; i++)
            {
                if (!File.Exists(segments[i].IndexPath) || !File.Exists(segments[i].TimeIndexPath))
                {
                    segments[i].WriteIndexes();
                }
            }
        }

        log._recoveryPoint = recovered > 0 || hadCleanShutdown ? logEndOffset : Math.Min(recoveryPoint, logEndOffset);
        // After an unclean stop a rescanned segment's transaction index may lack the last aborts or hold
        // entries of markers the rescan truncated: it is emptied, as are those of the segments after it,
        // and the producer state replay rebuilds them all from their control batches.
        foreach (var segment in segments)
        {
            if (segment.BaseOffset >= firstRecovered)
            {
                segment.TxnIndex.Reset();
            }
        }

        log.RebuildProducerState(firstRecovered);
        Log.Loaded(logger, directory, segments.Count, log._logStartOffset, logEndOffset, recovered);
        return log;
    }

    private static long SegmentHolding(List<long> baseOffsets, long offset)
    {
        var result = baseOffsets.Count == 0 ? 0 : baseOffsets[0];
        foreach (var b in baseOffsets)
        {
            if (b <= offset)
            {
                result = b;
            }
        }

        return result;
    }

    private static void DeleteStrayFiles(string directory, ILogger logger)
    {
        foreach (var path in Directory.EnumerateFiles(directory))
        {
            if (StraySuffixes.Any(s => path.EndsWith(s, StringComparison.Ordinal)))
            {
                File.Delete(path);
                Log.DeletedStray(logger, path);
            }
        }

        // Index files whose .log is gone would otherwise confuse the next segment with that base offset.
        foreach (var suffix in new[] { LogSegment.IndexSuffix, LogSegment.TimeIndexSuffix, TransactionIndex.Suffix })
        {
            foreach (var path in Directory.EnumerateFiles(directory, "*" + suffix))
            {
                if (!File.Exists(Path.ChangeExtension(path, LogSegment.LogSuffix)))
                {
                    File.Delete(path);
                    Log.DeletedStray(logger, path);
                }
            }
        }
    }

    /// <summary>Sets the high watermark, clamped to [LogStartOffset, LogEndOffset].</summary>
    /// <summary>
    /// Moves the high watermark forward only (a leader's rule): concurrent producers each
    /// advancing to the end they saw cannot pull it back.
    /// </summary>
    public void AdvanceHighWatermark(long hw)
    {
        lock (_appendLock)
        {
            var clamped = Math.Clamp(hw, LogStartOffset, LogEndOffset);
            if (clamped > _highWatermark)
            {
                Volatile.Write(ref _highWatermark, clamped);
                OnHighWatermarkUpdated();
            }
        }
    }

    public void UpdateHighWatermark(long hw)
    {
        lock (_appendLock)
        {
            Volatile.Write(ref _highWatermark, Math.Clamp(hw, LogStartOffset, LogEndOffset));
            OnHighWatermarkUpdated();
        }
    }

    /// <summary>
    /// Replaces the log settings. The first call after Open that makes the log tiered also undoes Open's
    /// raise of the start offset to the first local segment: the log manager loads logs with the broker
    /// defaults, and a tiered log's checkpointed start offset may lie below its local data (in the
    /// remote tier). Only this first call does it, before anything else could have moved the start.
    /// </summary>
    public void UpdateConfig(LogConfig config)
    {
        lock (_appendLock)
        {
            var opened = _openedLogStartOffset;
            _openedLogStartOffset = -1;
            if (config.RemoteStorageEnable && opened >= 0 && opened < _logStartOffset)
            {
                Volatile.Write(ref _logStartOffset, opened);
            }

            Volatile.Write(ref _config, config);
        }
    }

    /// <summary>
    /// Completes at the next append: the fetch long-poll wakes on data, not on a timer. An append racing
    /// with this call may be missed; prefer <see cref="WaitForAppendAsync(long, CancellationToken)"/>.
    /// </summary>
    public Task WaitForAppendAsync(CancellationToken cancellationToken)
    {
        var signal = Volatile.Read(ref _appendSignal).Task;
        Interlocked.Exchange(ref _appendSignalObserved, 1);
        return signal.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Completes once the log end offset is past <paramref name="knownLogEndOffset"/>; immediately if it
    /// already is. Closes the race between checking for data and starting to wait.
    /// </summary>
    public Task WaitForAppendAsync(long knownLogEndOffset, CancellationToken cancellationToken)
    {
        var signal = Volatile.Read(ref _appendSignal).Task;
        // Full fence, then read the end offset: either the appender sees the flag and completes this
        // signal, or this reader sees the appender's new end offset.
        Interlocked.Exchange(ref _appendSignalObserved, 1);
        return LogEndOffset > knownLogEndOffset ? Task.CompletedTask : signal.WaitAsync(cancellationToken);
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Called after the new log end offset is published. Allocates a new signal only when someone waits.</summary>
    private void SignalAppend()
    {
        if (Interlocked.Exchange(ref _appendSignalObserved, 0) != 0)
        {
            Interlocked.Exchange(ref _appendSignal, NewSignal()).TrySetResult();
        }
    }

    /// <summary>Kafka's endOffsetForEpoch, for OffsetForLeaderEpoch.</summary>
    public (int Epoch, long EndOffset) EndOffsetForEpoch(int leaderEpoch) =>
        _epochs.EndOffsetForEpoch(leaderEpoch, LogEndOffset);

    /// <summary>Clean stop: flushes, writes indexes, closes files. Appends afterwards throw.</summary>
    public void Close()
    {
        lock (_appendLock)
        {
            if (_closed)
            {
                return;
            }

            FlushCore(LogEndOffset);
            try
            {
                // The next start then replays nothing: the state is read from this snapshot.
                _producers.TakeSnapshot(LogEndOffset);
            }
            catch (IOException e)
            {
                // Only a shortcut is lost (a full disk, say): the next start rebuilds the state from the log.
                Log.SnapshotFailed(_logger, e, TopicPartitionDirectory);
            }

            _closed = true;
            var segments = _segments;
            segments[^1].OnBecomeInactive();
            foreach (var segment in segments)
            {
                segment.Close();
            }

            WakeAllWaiters();
        }
    }

    private void WakeAllWaiters() => Interlocked.Exchange(ref _appendSignal, NewSignal()).TrySetResult();

    /// <summary>Closes the log and removes its directory.</summary>
    public void Delete()
    {
        lock (_appendLock)
        {
            _closed = true;
            foreach (var segment in _segments)
            {
                segment.Delete();
            }

            WakeAllWaiters();
        }

        if (Directory.Exists(TopicPartitionDirectory))
        {
            Directory.Delete(TopicPartitionDirectory, recursive: true);
        }
    }

    private void ThrowIfClosed() => ObjectDisposedException.ThrowIf(_closed, this);

    private long NowMs() => _time.GetUtcNow().ToUnixTimeMilliseconds();
}
