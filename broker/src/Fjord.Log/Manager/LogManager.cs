using System.Collections.Concurrent;
using Fjord.Log.Checkpoints;
using Microsoft.Extensions.Logging;

namespace Fjord.Log;

/// <summary>
/// Owns every partition log of a broker across its data directories (Kafka's LogManager): loads
/// them at startup using each directory's checkpoints and clean-shutdown marker, places new
/// partitions on the least loaded directory, and runs retention, the flush.ms scheduler and the
/// checkpoint writers in the background.
/// </summary>
public sealed class LogManager : IDisposable
{
    public const string CleanShutdownFileName = ".kafka_cleanshutdown";
    public const string HighWatermarkFileName = "replication-offset-checkpoint";
    private const string DeleteDirSuffix = "-delete";

    private readonly IReadOnlyList<string> _logDirs;
    private readonly LogConfig _defaults;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly LogManagerOptions _options;
    private readonly ConcurrentDictionary<(string Topic, int Partition), PartitionLog> _logs = new();
    private readonly Lock _createLock = new();
    private readonly List<Task> _background = [];
    private CancellationTokenSource? _stopping;

    public LogManager(IReadOnlyList<string> logDirs, LogConfig defaults, TimeProvider time, ILoggerFactory loggers, LogManagerOptions options)
    {
        if (logDirs.Count == 0)
        {
            throw new ArgumentException("at least one log directory is required", nameof(logDirs));
        }

        _logDirs = [.. logDirs.Select(Path.GetFullPath)];
        _defaults = defaults;
        _time = time;
        _loggers = loggers;
        _logger = loggers.CreateLogger<LogManager>();
        _options = options;
    }

    public IReadOnlyCollection<PartitionLog> All => [.. _logs.Values];

    public LogConfig Defaults => _defaults;

    /// <summary>
    /// Loads every <c>&lt;topic&gt;-&lt;partition&gt;</c> directory. The clean-shutdown marker is consumed
    /// here: if the broker dies before the next clean Close, the next start recovers.
    /// </summary>
    public void Startup() => Startup(_ => _defaults);

    /// <summary>
    /// As <see cref="Startup()"/>, opening each log with its topic's config when the caller knows it:
    /// a tiered log (remote.storage.enable) keeps its checkpointed start offset below its local data.
    /// </summary>
    public void Startup(Func<string, LogConfig> configForTopic)
    {
        foreach (var dir in _logDirs)
        {
            Directory.CreateDirectory(dir);
            var marker = Path.Combine(dir, CleanShutdownFileName);
            var clean = File.Exists(marker);
            var recoveryPoints = OffsetCheckpointFile.Read(Path.Combine(dir, OffsetCheckpointFile.RecoveryPointFileName));
            var startOffsets = OffsetCheckpointFile.Read(Path.Combine(dir, OffsetCheckpointFile.LogStartOffsetFileName));
            var highWatermarks = OffsetCheckpointFile.Read(Path.Combine(dir, HighWatermarkFileName));
            foreach (var partitionDir in Directory.EnumerateDirectories(dir))
            {
                var name = Path.GetFileName(partitionDir);
                if (name.EndsWith(DeleteDirSuffix, StringComparison.Ordinal))
                {
                    // A deletion interrupted by a crash: finish it.
                    Directory.Delete(partitionDir, recursive: true);
                    continue;
                }

                if (!TopicPartitionName.TryParse(name, out var topic, out var partition)
                    || PartitionMetadataFile.Read(partitionDir) is not { } topicId)
                {
                    continue;
                }

                var key = (topic, partition);
                var log = PartitionLog.Open(
                    partitionDir,
                    topicId,
                    configForTopic(topic),
                    _time,
                    _loggers.CreateLogger<PartitionLog>(),
                    clean,
                    recoveryPoints.GetValueOrDefault(key, 0),
                    startOffsets.GetValueOrDefault(key, -1), // none: a tiered log must not assume its remote part starts at 0
                    highWatermarks.GetValueOrDefault(key, 0));
                log.FlushObserver = _options.FlushObserver;
                _logs[key] = log;
            }

            if (clean)
            {
                File.Delete(marker);
            }
        }
    }

    public PartitionLog? Get(string topic, int partition) => _logs.GetValueOrDefault((topic, partition));

    /// <summary>
    /// Returns the log, creating it on the data directory with the fewest partitions. An existing log
    /// with another topic id belongs to a deleted topic of the same name: it is removed first, so its
    /// data never resurfaces under the new topic.
    /// </summary>
    public PartitionLog GetOrCreate(string topic, int partition, Guid topicId, LogConfig config)
    {
        lock (_createLock)
        {
            if (_logs.TryGetValue((topic, partition), out var existing))
            {
                if (existing.TopicId == topicId)
                {
                    existing.UpdateConfig(config);
                    return existing;
                }

                Log.StaleTopicId(_logger, existing.TopicPartitionDirectory, existing.TopicId, topicId);
                Delete(topic, partition);
            }

            var name = TopicPartitionName.Format(topic, partition);
            var dir = _logDirs
                .OrderBy(d => _logs.Values.Count(l => l.TopicPartitionDirectory.StartsWith(d + Path.DirectorySeparatorChar, StringComparison.Ordinal)))
                .First();
            var path = Path.Combine(dir, name);
            foreach (var candidate in _logDirs.Select(d => Path.Combine(d, name)).Where(Directory.Exists))
            {
                // A directory nobody loaded (no or foreign partition.metadata) is stale by definition.
                if (PartitionMetadataFile.Read(candidate) != topicId)
                {
                    if (PartitionMetadataFile.Read(candidate) is { } stale)
                    {
                        Log.StaleTopicId(_logger, candidate, stale, topicId);
                    }

                    Directory.Delete(candidate, recursive: true);
                }
                else
                {
                    path = candidate;
                }
            }

            var log = PartitionLog.Open(path, topicId, config, _time, _loggers.CreateLogger<PartitionLog>(), hadCleanShutdown: false, recoveryPoint: 0);
            log.FlushObserver = _options.FlushObserver;
            _logs[(topic, partition)] = log;
            return log;
        }
    }

    /// <summary>
    /// Kafka's asynchronous delete: close, rename to <c>&lt;topic&gt;-&lt;partition&gt;.&lt;uuid&gt;-delete</c>
    /// (so a restart never loads it), then remove the files in the background.
    /// </summary>
    public void Delete(string topic, int partition)
    {
        if (!_logs.TryRemove((topic, partition), out var log))
        {
            return;
        }

        log.Close();
        var source = log.TopicPartitionDirectory;
        var parent = Path.GetDirectoryName(source)!;
        var renamed = Path.Combine(parent, $"{Path.GetFileName(source)}.{Guid.NewGuid():N}{DeleteDirSuffix}");
        Directory.Move(source, renamed);
        _ = Task.Run(() =>
        {
            try
            {
                Directory.Delete(renamed, recursive: true);
            }
            catch (IOException e)
            {
                Log.BackgroundFailed(_logger, e, "delete " + renamed);
            }
        });
    }

    /// <summary>Starts retention, the flush.ms scheduler and the checkpoint writers until <paramref name="cancellationToken"/> or Close.</summary>
    public void Start(CancellationToken cancellationToken)
    {
        _stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var token = _stopping.Token;
        Schedule("retention", _options.RetentionCheckIntervalMs, () =>
        {
            foreach (var log in All)
            {
                log.ApplyRetention();
            }
        }, token);
        Schedule("flush", _options.FlushSchedulerIntervalMs, () =>
        {
            foreach (var log in All)
            {
                log.FlushIfDue();
            }
        }, token);
        Schedule("producer-expiration", _options.ProducerIdExpirationCheckIntervalMs, () =>
        {
            foreach (var log in All)
            {
                log.RemoveExpiredProducers(_options.ProducerIdExpirationMs);
            }
        }, token);
        Schedule("recovery-point-checkpoint", _options.FlushOffsetCheckpointIntervalMs, CheckpointRecoveryPoints, token);
        Schedule("log-start-offset-checkpoint", _options.FlushStartOffsetCheckpointIntervalMs, CheckpointLogStartOffsets, token);
    }

    private void Schedule(string name, long intervalMs, Action work, CancellationToken token)
    {
        if (intervalMs <= 0 || intervalMs == long.MaxValue)
        {
            return;
        }

        _background.Add(Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(intervalMs), _time);
            try
            {
                while (await timer.WaitForNextTickAsync(token))
                {
                    try
                    {
                        work();
                    }
                    catch (Exception e) when (e is IOException or LogException or UnauthorizedAccessException or ObjectDisposedException)
                    {
                        Log.BackgroundFailed(_logger, e, name);
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // Stopping.
            }
        }, CancellationToken.None));
    }

    /// <summary>Writes recovery-point-offset-checkpoint (and the high watermarks) of every data directory.</summary>
    public void CheckpointRecoveryPoints()
    {
        WriteCheckpoint(OffsetCheckpointFile.RecoveryPointFileName, l => l.RecoveryPoint);
        WriteCheckpoint(HighWatermarkFileName, l => l.HighWatermark);
    }

    /// <summary>Writes log-start-offset-checkpoint of every data directory (DeleteRecords survives a restart through it).</summary>
    public void CheckpointLogStartOffsets() => WriteCheckpoint(OffsetCheckpointFile.LogStartOffsetFileName, l => l.LogStartOffset);

    private void WriteCheckpoint(string fileName, Func<PartitionLog, long> offset)
    {
        var logs = All;
        foreach (var dir in _logDirs)
        {
            var entries = logs
                .Where(l => string.Equals(Path.GetDirectoryName(l.TopicPartitionDirectory), dir, StringComparison.Ordinal))
                .Select(l => (l.Topic, l.Partition, offset(l)));
            OffsetCheckpointFile.Write(Path.Combine(dir, fileName), entries);
        }
    }

    /// <summary>Clean stop: stops background work, flushes and closes every log, writes checkpoints and the clean-shutdown marker.</summary>
    public void Close()
    {
        _stopping?.Cancel();
        try
        {
            Task.WaitAll([.. _background], TimeSpan.FromSeconds(30));
        }
        catch (AggregateException e)
        {
            Log.BackgroundFailed(_logger, e, "stop");
        }

        _background.Clear();
        foreach (var log in All)
        {
            log.Close();
        }

        CheckpointRecoveryPoints();
        CheckpointLogStartOffsets();
        foreach (var dir in _logDirs)
        {
            File.WriteAllBytes(Path.Combine(dir, CleanShutdownFileName), []);
        }

        _logs.Clear();
    }

    public void Dispose()
    {
        _stopping?.Dispose();
    }
}
