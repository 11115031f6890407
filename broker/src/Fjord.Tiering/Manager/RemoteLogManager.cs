using System.Collections.Concurrent;
using Fjord.Log;
using Microsoft.Extensions.Logging;

namespace Fjord.Tiering;

/// <summary>
/// Kafka's RemoteLogManager on this broker: every remote.log.manager.task.interval.ms, for each
/// partition it leads with remote.storage.enable, copies closed committed segments to Blob storage,
/// applies local retention (only to uploaded segments) and total retention (remote included); for
/// each it follows, applies the same local retention.
/// A leadership change starts a fresh <see cref="RemotePartitionTier"/>, which first finishes or
/// cleans whatever the previous leader left half done.
/// </summary>
public sealed partial class RemoteLogManager : IRemoteLog, IAsyncDisposable
{
    private readonly ITieredReplicas _replicas;
    private readonly IRemoteLogMetadataStore _manifest;
    private readonly IRemoteStorage _storage;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<(string Topic, int Partition), (RemotePartitionTier Tier, int LeaderEpoch, Guid TopicId, bool Leader)> _tiers = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _oneRound = new(1, 1);
    private readonly int _concurrency;
    private Task _loop = Task.CompletedTask;

    public RemoteLogManager(ITieredReplicas replicas, IRemoteLogMetadataStore manifest, IRemoteStorage storage, RemoteLogManagerConfig config, TimeProvider time, ILoggerFactory loggers)
    {
        _replicas = replicas;
        _manifest = manifest;
        _storage = storage;
        _interval = TimeSpan.FromMilliseconds(Math.Max(10, config.TaskIntervalMs));
        _concurrency = Math.Max(1, config.CopierThreadPoolSize);
        _time = time;
        _loggers = loggers;
        _logger = loggers.CreateLogger<RemoteLogManager>();
        Reader = new RemoteLogReader(manifest, storage, new RemoteLogReaderOptions { ChunkCacheBytes = config.ReaderCacheBytes },
            loggers.CreateLogger<RemoteLogReader>());
    }

    /// <summary>Serves fetches and timestamp lookups below the local log start offset.</summary>
    public RemoteLogReader Reader { get; }

    /// <summary>Raised after each segment a leader here copied to Blob storage (KIP-405's RemoteCopyBytesPerSec counts these).</summary>
    public event Action<RemoteSegmentMetadata>? SegmentCopied;

    /// <summary>Raised on each failed copy attempt with topic, partition and <see cref="CopyErrorKind"/> (KIP-405's RemoteCopyErrorsPerSec).</summary>
    public event Action<string, int, string>? CopyFailed;

    public void Start() => _loop = Task.Run(LoopAsync);

    private async Task LoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_interval, _time, _stopping.Token);
                await RunOnceAsync(_stopping.Token);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                LogRoundFailed(e);
            }
        }
    }

    /// <summary>
    /// One pass over the tiered partitions this broker hosts (tests call it directly too), up to
    /// remote.log.manager.copier.thread.pool.size at once. Leaders copy and apply both retentions;
    /// followers only delete local segments the manifest shows uploaded, as the leader does.
    /// </summary>
    public async Task RunOnceAsync(CancellationToken ct)
    {
        // A partition's tier is driven by one caller at a time: a direct call waits for the loop's round.
        await _oneRound.WaitAsync(ct);
        try
        {
            // A fenced broker may be a deposed leader, or looking at another cluster's store: it uploads and deletes nothing.
            if (_replicas.IsFenced) return;
            var tiered = _replicas.TieredReplicas.ToList();
            await Parallel.ForEachAsync(tiered, new ParallelOptions { MaxDegreeOfParallelism = _concurrency, CancellationToken = ct },
                async (partition, token) => await RunPartitionAsync(partition, token));
            var seen = tiered.Select(p => (p.Topic, p.Partition)).ToHashSet();
            foreach (var gone in _tiers.Keys.Where(k => !seen.Contains(k)).ToList()) _tiers.TryRemove(gone, out _);
        }
        finally
        {
            _oneRound.Release();
        }
    }

    private async Task RunPartitionAsync(ITieredReplica partition, CancellationToken ct)
    {
        var log = partition.Log;
        var leader = partition.IsLeader;
        var key = (partition.Topic, partition.Partition);
        if (!_tiers.TryGetValue(key, out var entry) || entry.LeaderEpoch != partition.LeaderEpoch || entry.TopicId != log.TopicId || entry.Leader != leader)
        {
            var tier = new RemotePartitionTier(new PartitionLogTieredLog(log, log.DeleteLocalSegmentsBefore), _manifest, _storage,
                RetentionOf(log.Config), new RemoteTierOptions(_replicas.LocalBrokerId, partition.LeaderEpoch), _time, _loggers.CreateLogger<RemotePartitionTier>());
            tier.SegmentCopied += segment => SegmentCopied?.Invoke(segment);
            tier.CopyFailed += kind => CopyFailed?.Invoke(partition.Topic, partition.Partition, kind);
            entry = (tier, partition.LeaderEpoch, log.TopicId, leader);
            _tiers[key] = entry;
        }
        try
        {
            entry.Tier.Config = RetentionOf(log.Config);
            if (!leader)
            {
                await entry.Tier.ApplyFollowerLocalRetentionAsync(ct);
                return;
            }
            await entry.Tier.CopyEligibleSegmentsAsync(ct);
            entry.Tier.ApplyLocalRetention();
            var start = await entry.Tier.ApplyRemoteRetentionAsync(ct);
            if (start > log.LogStartOffset && start <= log.HighWatermark) log.SetLogStartOffset(start);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // Blob or Table storage out of reach: produce and hot reads go on; the next round retries.
            LogPartitionFailed(e, partition.Topic, partition.Partition);
        }
    }

    /// <summary>
    /// A deleted topic's remote segments go too, in the background: the topic is already gone for clients. A failure
    /// is logged; the controller's sweep of deleted topics (<see cref="PurgeTopicAsync"/>) finishes it later.
    /// </summary>
    public Task DeleteTopicAsync(Guid topicId) => Task.Run(async () =>
    {
        try
        {
            await PurgeTopicAsync(topicId, _stopping.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogTopicDeletionFailed(e, topicId);
        }
    });

    /// <summary>
    /// Removes what the manifest and Blob storage hold of a deleted topic: each entry moves to DELETE_STARTED, its
    /// blobs are deleted, then DELETE_FINISHED and the entry is removed — the same steps retention takes, so a crash
    /// part-way leaves entries a later pass finishes, and two brokers purging at once only skip each other's steps.
    /// True when nothing of the topic is left, writer fences included.
    /// </summary>
    public async Task<bool> PurgeTopicAsync(Guid topicId, CancellationToken ct)
    {
        var segments = await _manifest.ListTopicAsync(topicId, ct).ConfigureAwait(false);
        foreach (var segment in segments)
        {
            var state = segment.State;
            if (state is RemoteSegmentState.CopyStarted or RemoteSegmentState.CopyFinished &&
                await _manifest.TransitionAsync(topicId, segment.Partition, segment.SegmentId, state, RemoteSegmentState.DeleteStarted, ct).ConfigureAwait(false))
                state = RemoteSegmentState.DeleteStarted;
            if (state == RemoteSegmentState.DeleteStarted)
            {
                await _storage.DeleteAsync(segment, ct).ConfigureAwait(false);
                if (await _manifest.TransitionAsync(topicId, segment.Partition, segment.SegmentId, state, RemoteSegmentState.DeleteFinished, ct).ConfigureAwait(false))
                    state = RemoteSegmentState.DeleteFinished;
            }
            if (state == RemoteSegmentState.DeleteFinished)
                await _manifest.RemoveAsync(topicId, segment.Partition, segment.SegmentId, ct).ConfigureAwait(false);
        }
        if (segments.Count != 0 && (await _manifest.ListTopicAsync(topicId, ct).ConfigureAwait(false)).Count != 0) return false;
        await _manifest.RemoveFencesAsync(topicId, ct).ConfigureAwait(false);
        return true;
    }

    /// <summary>KIP-1005's latest-tiered offset: the last offset in a COPY_FINISHED segment, -1 when none (leader only).</summary>
    public long HighestTieredOffset(string topic, int partition) =>
        _tiers.TryGetValue((topic, partition), out var entry) && entry.Leader ? entry.Tier.HighestCopiedOffset : -1;

    /// <summary>Closed local segments (and their bytes) not yet in Blob storage, as of the last round; (0, 0) when not tiered here.</summary>
    public (int Segments, long Bytes) UploadLag(string topic, int partition) =>
        _tiers.TryGetValue((topic, partition), out var entry) ? (entry.Tier.UploadLagSegments, entry.Tier.UploadLagBytes) : (0, 0);

    /// <summary>The upload lag of the partitions this broker leads, as of the last round of each (for the broker's status row).</summary>
    public TierUploadStatus UploadStatus()
    {
        var segments = 0;
        var bytes = 0L;
        DateTimeOffset? oldest = null;
        var failing = 0;
        DateTimeOffset? lastFailure = null;
        string? lastKind = null;
        foreach (var (tier, _, _, leader) in _tiers.Values)
        {
            if (!leader) continue;
            segments += tier.UploadLagSegments;
            bytes += tier.UploadLagBytes;
            if (tier.OldestWaitingSince is { } since && (oldest is null || since < oldest)) oldest = since;
            if (tier.ConsecutiveCopyFailures == 0) continue;
            failing++;
            if (tier.LastCopyFailureAt is { } at && (lastFailure is null || at > lastFailure))
            {
                lastFailure = at;
                lastKind = tier.LastCopyErrorKind;
            }
        }
        return new TierUploadStatus(segments, bytes, oldest, failing, lastKind);
    }

    /// <summary>The upload lag of each tiered partition this broker leads, as of the last round of each (KIP-963's RemoteCopyLag per partition).</summary>
    public IReadOnlyList<PartitionUploadLag> UploadLagByPartition()
    {
        var lags = new List<PartitionUploadLag>(_tiers.Count);
        foreach (var ((topic, partition), (tier, _, _, leader)) in _tiers)
            if (leader) lags.Add(new PartitionUploadLag(topic, partition, tier.UploadLagSegments, tier.UploadLagBytes));
        return lags;
    }

    /// <summary>
    /// Bytes of a partition this broker leads that are held only in Blob storage: uploaded segments below
    /// <paramref name="localLogStartOffset"/>, as of the last round; 0 when it is not tiered or not led here.
    /// </summary>
    public long RemoteOnlyBytes(string topic, int partition, long localLogStartOffset) =>
        _tiers.TryGetValue((topic, partition), out var entry) && entry.Leader ? entry.Tier.RemoteBytesBelow(localLogStartOffset) : 0;

    private static TierRetentionConfig RetentionOf(LogConfig config) => new()
    {
        RetentionMs = config.RetentionMs,
        RetentionBytes = config.RetentionBytes,
        LocalRetentionMs = config.LocalRetentionMs,
        LocalRetentionBytes = config.LocalRetentionBytes,
    };

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _loop;
        _stopping.Dispose();
        _oneRound.Dispose();
    }

    [LoggerMessage(EventId = 5001, Level = LogLevel.Warning, Message = "Tiering round failed")]
    private partial void LogRoundFailed(Exception exception);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Warning, Message = "Removing the remote segments of deleted topic {TopicId} failed; they stay in the manifest for a later deletion")]
    private partial void LogTopicDeletionFailed(Exception exception, Guid topicId);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "Tiering {Topic}-{Partition} failed this round; will retry")]
    private partial void LogPartitionFailed(Exception exception, string topic, int partition);
}
