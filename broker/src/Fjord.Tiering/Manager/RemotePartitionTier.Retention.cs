namespace Fjord.Tiering;

public sealed partial class RemotePartitionTier
{
    /// <summary>
    /// Kafka's local retention for a tiered log: closed segments, oldest first, go while they are past
    /// local.retention.ms (by their newest record) or local.retention.bytes (while the local log
    /// stays at or above the limit) — but only those a CopyFinished entry covers (or that lie below
    /// the log start offset), so un-uploaded data survives any local limit, e.g. through a Blob outage.
    /// Returns how many local segments were deleted.
    /// </summary>
    public int ApplyLocalRetention()
    {
        var config = Config;
        var segments = _log.Segments;
        var covered = CoveredUpTo();
        var highWatermark = _log.HighWatermark;
        var nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var localMs = config.EffectiveLocalRetentionMs;
        var localBytes = config.EffectiveLocalRetentionBytes;
        var excess = localBytes >= 0 ? segments.Sum(s => s.SizeInBytes) - localBytes : long.MinValue;
        var deleteBefore = -1L;
        var reason = "";
        for (var i = 0; i < segments.Count - 1; i++)
        {
            var segment = segments[i];
            if (segment.EndOffset > covered || segment.EndOffset >= highWatermark)
            {
                break;
            }

            string? why = null;
            if (segment.EndOffset < _log.LogStartOffset)
            {
                why = "log start offset breach";
            }
            else if (localMs >= 0 && nowMs - segment.MaxTimestamp > localMs)
            {
                why = "local.retention.ms";
            }
            else if (localBytes >= 0 && excess - segment.SizeInBytes >= 0)
            {
                why = "local.retention.bytes";
            }

            if (why is null)
            {
                break;
            }

            excess -= segment.SizeInBytes;
            deleteBefore = segment.EndOffset + 1;
            reason = why;
        }

        if (deleteBefore < 0)
        {
            return 0;
        }

        var count = _log.DeleteLocalSegmentsBefore(deleteBefore);
        RemotePartitionTierLog.DeletedLocal(_logger, Topic, Partition, count, deleteBefore, reason);
        UpdateLag();
        return count;
    }

    /// <summary>
    /// A follower's local retention: followers never upload, but delete local segments by the same
    /// rule as the leader — only what a CopyFinished entry covers — so a replica that later leads
    /// still holds everything Blob storage does not. Reads the manifest (one query) to learn what is
    /// uploaded; writes nothing to it. Returns how many local segments were deleted.
    /// </summary>
    public async Task<int> ApplyFollowerLocalRetentionAsync(CancellationToken ct)
    {
        var entries = await _manifest.ListAsync(_log.TopicId, Partition, ct);
        foreach (var entry in entries)
        {
            if (entry.State == RemoteSegmentState.CopyFinished)
            {
                NoteCopied(entry.EndOffset);
            }
        }

        return ApplyLocalRetention();
    }

    /// <summary>
    /// retention.ms/bytes over the whole log: the oldest CopyFinished segments go (DeleteStarted →
    /// blobs → DeleteFinished → removed) while they are below the log start offset, past
    /// retention.ms, or while the whole log (remote + the local part not yet uploaded) is larger
    /// than retention.bytes. Deletions a crash interrupted are finished first. Returns the new log
    /// start offset (never lower than the current one), for the caller to apply to the log.
    /// </summary>
    public async Task<long> ApplyRemoteRetentionAsync(CancellationToken ct)
    {
        if (IsFenced || !_resumed)
        {
            // A deposed leader leaves the remote part to the new one; a new one first resumes (and fences).
            return _log.LogStartOffset;
        }

        var config = Config;
        var entries = await _manifest.ListAsync(_log.TopicId, Partition, ct);
        NoteRetentionDeletions(entries);
        var logStartOffset = Math.Max(_log.LogStartOffset, _deletedBelow);
        foreach (var stale in entries.Where(e => e.State is RemoteSegmentState.DeleteStarted or RemoteSegmentState.DeleteFinished))
        {
            await DeleteRemoteSegmentAsync(stale, "unfinished deletion", ct);
        }

        var remote = entries.Where(e => e.State == RemoteSegmentState.CopyFinished).OrderBy(e => e.BaseOffset).ToList();
        foreach (var entry in remote)
        {
            NoteCopied(entry.EndOffset);
        }

        // Local copies go only once uploaded and uploads are removed only by retention, so offsets in
        // neither tier were deleted — by a deletion this tier never saw (a deposed leader's, or one whose
        // entry was already gone at resume). The log starts where data does, not in a hole.
        var localStart = _log.Segments[0].BaseOffset;
        logStartOffset = Math.Max(logStartOffset, remote.Count > 0 ? Math.Min(remote[0].BaseOffset, localStart) : localStart);

        var localOnlyBytes = _log.Segments.Where(s => s.EndOffset > HighestCopiedOffset).Sum(s => s.SizeInBytes);
        var excess = config.RetentionBytes >= 0 ? remote.Sum(e => e.SizeInBytes) + localOnlyBytes - config.RetentionBytes : long.MinValue;
        var nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var deleted = 0;
        foreach (var entry in remote)
        {
            string? why = null;
            if (entry.EndOffset < logStartOffset)
            {
                why = "log start offset breach";
            }
            else if (config.RetentionMs >= 0 && entry.MaxTimestamp >= 0 && nowMs - entry.MaxTimestamp > config.RetentionMs)
            {
                why = "retention.ms";
            }
            else if (config.RetentionBytes >= 0 && excess - entry.SizeInBytes >= 0)
            {
                why = "retention.bytes";
            }

            if (why is null)
            {
                break;
            }

            // The caller moves the log start offset on return; until then a cold read of this range may find
            // its blobs gone, which the reader reports as retriable rather than as data.
            logStartOffset = Math.Max(logStartOffset, entry.EndOffset + 1);
            excess -= entry.SizeInBytes;
            await DeleteRemoteSegmentAsync(entry, why, ct);
            deleted++;
        }

        NoteRemoteSegments(remote, deleted);
        UpdateLag();
        return logStartOffset;
    }

    /// <summary>
    /// Bytes in Blob storage (CopyFinished, as of the last remote retention) of segments ending below
    /// <paramref name="offset"/>: with the local log start offset, the part of the log held only remotely, which
    /// a segment both local and uploaded is not (remote segments keep the local segments' boundaries).
    /// </summary>
    public long RemoteBytesBelow(long offset)
    {
        var bytes = 0L;
        foreach (var (endOffset, size) in Volatile.Read(ref _remoteSegments))
            if (endOffset < offset) bytes += size;
        return bytes;
    }

    private void NoteRemoteSegments(List<RemoteSegmentMetadata> remote, int deleted)
    {
        // Retention deletes the oldest first, so what remains is everything after the deleted prefix.
        var kept = new (long EndOffset, long Size)[remote.Count - deleted];
        for (var i = deleted; i < remote.Count; i++) kept[i - deleted] = (remote[i].EndOffset, remote[i].SizeInBytes);
        Volatile.Write(ref _remoteSegments, kept);
    }

    /// <summary>
    /// A segment is counted as remote from the moment its copy finishes, not from the next retention pass: local
    /// retention may delete its local copy in between, and it must not vanish from both figures meanwhile.
    /// </summary>
    private void NoteRemoteSegmentCopied(RemoteSegmentMetadata entry)
    {
        var known = Volatile.Read(ref _remoteSegments);
        if (known.Length > 0 && known[^1].EndOffset >= entry.EndOffset) return;
        Volatile.Write(ref _remoteSegments, [.. known, (entry.EndOffset, entry.SizeInBytes)]);
    }
}
