using Fjord.Log.Checkpoints;
using Microsoft.Extensions.Logging;

namespace Fjord.Tiering;

/// <summary>
/// The remote log manager of one partition whose leader is this broker (Kafka's RLMTask). A
/// scheduler calls its steps; each is safe to repeat after a crash at any point because every
/// effect is recorded in the manifest before or after it happens, in KIP-405's order:
/// CopyStarted before any blob is written, CopyFinished only after all of them are, DeleteStarted
/// before any blob is removed, and the entry removed only once they are all gone. Not thread-safe:
/// one caller drives it at a time.
/// </summary>
public sealed partial class RemotePartitionTier
{
    private readonly ITieredLog _log;
    private readonly IRemoteLogMetadataStore _manifest;
    private readonly IRemoteStorage _storage;
    private readonly RemoteTierOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private TierRetentionConfig _config;

    /// <summary>Highest end offset ever recorded CopyFinished (only grows; remote retention does not lower it).</summary>
    private long _highestCopiedOffset = -1;

    /// <summary>This tier's own CopyStarted entry whose upload or transition failed; retried under the same segment id.</summary>
    private RemoteSegmentMetadata? _pendingCopy;

    /// <summary>End + 1 of the remote segments retention deleted, for the log start offset (see NoteRetentionDeletions).</summary>
    private long _deletedBelow;

    /// <summary>Whether <see cref="_pendingCopy"/>'s CopyStarted entry is known to have been written.</summary>
    private bool _pendingAdded;

    private int _loggedLagSegments;

    /// <summary>End offset and size of each CopyFinished segment as of the last remote retention, oldest first (read by the storage usage).</summary>
    private (long EndOffset, long Size)[] _remoteSegments = [];

    private DateTimeOffset _nextCopyAttempt = DateTimeOffset.MinValue;

    /// <summary>When this tier first saw each closed segment that still waits for upload, by base offset.</summary>
    private readonly Dictionary<long, long> _waitingSinceMs = [];

    // Read by the status publisher while the round writes them: plain longs and a reference, each read whole.
    private long _oldestWaitingSinceMs = -1;
    private long _lastCopyFailureMs = -1;
    private string? _lastCopyErrorKind;

    public RemotePartitionTier(ITieredLog log, IRemoteLogMetadataStore manifest, IRemoteStorage storage, TierRetentionConfig config, RemoteTierOptions options, TimeProvider time, ILogger logger)
    {
        _log = log;
        _manifest = manifest;
        _storage = storage;
        _config = config;
        _options = options;
        _time = time;
        _logger = logger;
    }

    public TierRetentionConfig Config
    {
        get => Volatile.Read(ref _config);
        set => Volatile.Write(ref _config, value);
    }

    /// <summary>The highest offset known to be in remote storage (CopyFinished), -1 when none.</summary>
    public long HighestCopiedOffset => Volatile.Read(ref _highestCopiedOffset);

    /// <summary>Closed local segments not yet uploaded (the upload lag in segments).</summary>
    public int UploadLagSegments { get; private set; }

    /// <summary>Bytes of closed local segments not yet uploaded (the upload lag in bytes).</summary>
    public long UploadLagBytes { get; private set; }

    /// <summary>Copy failures since the last success; drives the backoff.</summary>
    public int ConsecutiveCopyFailures { get; private set; }

    /// <summary>
    /// Since when the oldest closed segment still waiting for upload has waited, as this tier saw it close (a tier
    /// created by a leadership change first sees them all at once); null when nothing waits.
    /// </summary>
    public DateTimeOffset? OldestWaitingSince => Volatile.Read(ref _oldestWaitingSinceMs) is var ms and >= 0 ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;

    /// <summary>The kind of the last copy failure (see <see cref="CopyErrorKind"/>) while copies fail; null once one succeeds.</summary>
    public string? LastCopyErrorKind => Volatile.Read(ref _lastCopyErrorKind);

    /// <summary>When the last copy failure happened, for picking the latest across partitions; null while copies succeed.</summary>
    public DateTimeOffset? LastCopyFailureAt => Volatile.Read(ref _lastCopyFailureMs) is var ms and >= 0 ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;

    /// <summary>Until this time <see cref="CopyEligibleSegmentsAsync"/> does nothing (backoff after a failure).</summary>
    public DateTimeOffset NextCopyAttempt => _nextCopyAttempt;

    /// <summary>Raised after each segment this tier saw reach CopyFinished (its bytes are in Blob storage); for metrics.</summary>
    public event Action<RemoteSegmentMetadata>? SegmentCopied;

    /// <summary>Raised on each failed copy attempt, with the failure's <see cref="CopyErrorKind"/>; for metrics.</summary>
    public event Action<string>? CopyFailed;

    /// <summary>Set when a manifest entry this tier wrote was moved by someone else: a newer leader owns the partition.</summary>
    public bool IsFenced { get; private set; }

    private string Topic => _log.Topic;

    private int Partition => _log.Partition;

    /// <summary>Recomputes the lag from the local segments and the highest uploaded offset.</summary>
    private void UpdateLag()
    {
        var segments = _log.Segments;
        var lagSegments = 0;
        var lagBytes = 0L;
        var covered = CoveredUpTo();
        var nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var oldestMs = long.MaxValue;
        var waiting = new HashSet<long>();
        for (var i = 0; i < segments.Count - 1; i++)
        {
            if (segments[i].EndOffset > covered)
            {
                lagSegments++;
                lagBytes += segments[i].SizeInBytes;
                var baseOffset = segments[i].BaseOffset;
                waiting.Add(baseOffset);
                if (!_waitingSinceMs.TryGetValue(baseOffset, out var since)) _waitingSinceMs[baseOffset] = since = nowMs;
                oldestMs = Math.Min(oldestMs, since);
            }
        }

        // Segments uploaded or deleted since stop waiting; the map never holds more than the closed segments.
        foreach (var gone in _waitingSinceMs.Keys.Where(k => !waiting.Contains(k)).ToList()) _waitingSinceMs.Remove(gone);
        UploadLagSegments = lagSegments;
        UploadLagBytes = lagBytes;
        Volatile.Write(ref _oldestWaitingSinceMs, oldestMs == long.MaxValue ? -1 : oldestMs);
    }

    /// <summary>
    /// Local data up to this offset may go: it is in remote storage, or below the log start offset
    /// (deleted by retention or DeleteRecords, so nobody may read it any more).
    /// </summary>
    private long CoveredUpTo() => Math.Max(HighestCopiedOffset, _log.LogStartOffset - 1);

    private void NoteCopied(long endOffset)
    {
        if (endOffset > _highestCopiedOffset)
        {
            Volatile.Write(ref _highestCopiedOffset, endOffset);
        }
    }

    /// <summary>
    /// The epoch entries covering [base, end]: the one in force at the base offset (clipped to it)
    /// and those starting inside the segment, as Kafka's segmentLeaderEpochs.
    /// </summary>
    internal static IReadOnlyList<EpochEntry> EpochsFor(IReadOnlyList<EpochEntry> entries, long baseOffset, long endOffset)
    {
        var result = new List<EpochEntry>();
        foreach (var entry in entries)
        {
            if (entry.StartOffset > endOffset)
            {
                break;
            }

            if (entry.StartOffset <= baseOffset)
            {
                result.Clear();
                result.Add(entry with { StartOffset = baseOffset });
            }
            else
            {
                result.Add(entry);
            }
        }

        return result;
    }

    private RemoteSegmentMetadata NewCopyStarted(TieredLogSegment segment) => new(
        _log.TopicId,
        Topic,
        Partition,
        Guid.NewGuid(),
        segment.BaseOffset,
        segment.EndOffset,
        segment.MaxTimestamp,
        segment.SizeInBytes,
        EpochsFor(_log.LeaderEpochs, segment.BaseOffset, segment.EndOffset),
        RemoteSegmentState.CopyStarted,
        _options.BrokerId,
        _options.LeaderEpoch,
        _time.GetUtcNow());

    /// <summary>A stand-in for blobs that have no manifest entry: DeleteAsync needs only the ids.</summary>
    private RemoteSegmentMetadata OrphanOf(Guid segmentId) => new(
        _log.TopicId, Topic, Partition, segmentId, -1, -1, -1, 0, [], RemoteSegmentState.DeleteStarted, _options.BrokerId, _options.LeaderEpoch, _time.GetUtcNow());
}
