namespace Fjord.Tiering;

public sealed partial class RemotePartitionTier
{
    /// <summary>
    /// Uploads, oldest first, every closed local segment wholly below the high watermark and above
    /// the highest uploaded offset: CopyStarted entry (fresh segment id) → files → CopyFinished.
    /// A failure (Blob or manifest) leaves the entry, backs off, and returns; the next call after
    /// <see cref="NextCopyAttempt"/> retries that entry under the same segment id, so one range never
    /// gets two entries. Returns how many segments were copied.
    /// </summary>
    public async Task<int> CopyEligibleSegmentsAsync(CancellationToken ct)
    {
        if (IsFenced || _time.GetUtcNow() < _nextCopyAttempt)
        {
            // Still measured while backing off: the lag is what an operator watches through an outage.
            UpdateLag();
            return 0;
        }

        var copied = 0;
        TieredLogSegment? current = null;
        try
        {
            if (!_resumed)
            {
                // A fresh tier must first clean what an earlier leader left half done and learn what is uploaded.
                await ResumeAsync(ct);
            }

            var segments = _log.Segments;
            var highWatermark = _log.LastStableOffset;
            for (var i = 0; i < segments.Count - 1 && !IsFenced; i++)
            {
                var segment = segments[i];
                if (segment.EndOffset <= HighestCopiedOffset || segment.EndOffset < _log.LogStartOffset)
                {
                    continue;
                }

                if (segment.EndOffset >= highWatermark)
                {
                    break;
                }

                if (segment.BaseOffset <= HighestCopiedOffset)
                {
                    // Uploading it would overlap a CopyFinished entry; skipping it would let later uploads
                    // make its tail look covered and local retention delete un-uploaded data. So stop.
                    RemotePartitionTierLog.Straddles(_logger, Topic, Partition, segment.BaseOffset, segment.EndOffset, HighestCopiedOffset);
                    break;
                }

                current = segment;
                if (await CopyOneAsync(segment, ct))
                {
                    copied++;
                }
            }

            ConsecutiveCopyFailures = 0;
            _nextCopyAttempt = DateTimeOffset.MinValue;
            Volatile.Write(ref _lastCopyErrorKind, null);
            Volatile.Write(ref _lastCopyFailureMs, -1);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            ConsecutiveCopyFailures++;
            var kind = CopyErrorKind.Of(e);
            Volatile.Write(ref _lastCopyErrorKind, kind);
            CopyFailed?.Invoke(kind);
            Volatile.Write(ref _lastCopyFailureMs, _time.GetUtcNow().ToUnixTimeMilliseconds());
            var backoff = Backoff(ConsecutiveCopyFailures);
            _nextCopyAttempt = _time.GetUtcNow() + backoff;
            UpdateLag();
            RemotePartitionTierLog.CopyFailed(_logger, e, Topic, Partition, current?.BaseOffset ?? -1, ConsecutiveCopyFailures, backoff, UploadLagSegments, UploadLagBytes);
            return copied;
        }

        UpdateLag();
        if (UploadLagSegments != _loggedLagSegments)
        {
            // Logged when it changes, so a steady state costs no log lines per scheduler tick.
            _loggedLagSegments = UploadLagSegments;
            RemotePartitionTierLog.UploadLag(_logger, Topic, Partition, UploadLagSegments, UploadLagBytes);
        }

        return copied;
    }

    private TimeSpan Backoff(int failures)
    {
        var ticks = _options.InitialBackoff.Ticks * Math.Pow(2, Math.Min(failures - 1, 30));
        return TimeSpan.FromTicks((long)Math.Min(ticks, _options.MaxBackoff.Ticks));
    }

    /// <summary>False when fenced (another leader moved the entry); throws on any storage failure.</summary>
    private async Task<bool> CopyOneAsync(TieredLogSegment segment, CancellationToken ct)
    {
        var entry = _pendingCopy;
        if (entry is not null && (entry.BaseOffset != segment.BaseOffset || entry.EndOffset != segment.EndOffset))
        {
            // The local segment our failed attempt was for has changed (truncation): that attempt is abandoned.
            await DeleteRemoteSegmentAsync(entry, "abandoned copy attempt", ct);
            _pendingCopy = entry = null;
        }

        if (entry is null)
        {
            entry = NewCopyStarted(segment);
            // Remembered before the write: if the write's outcome is unknown, the retry reuses this id.
            _pendingCopy = entry;
            _pendingAdded = false;
        }

        // Once the add is known to have happened, a retry must not add again: a missing entry then
        // means a new leader cleaned the attempt, and re-adding it would resurrect it beside theirs.
        var stillStarted = _pendingAdded
            ? await _manifest.TransitionAsync(entry.TopicId, entry.Partition, entry.SegmentId, RemoteSegmentState.CopyStarted, RemoteSegmentState.CopyStarted, ct)
            : await _manifest.AddCopyStartedAsync(entry, ct)
                || await _manifest.TransitionAsync(entry.TopicId, entry.Partition, entry.SegmentId, RemoteSegmentState.CopyStarted, RemoteSegmentState.CopyStarted, ct);
        if (!stillStarted)
        {
            // No longer CopyStarted: it finished in a call whose reply we lost, or a newer leader took it.
            return await FinishedOrFencedAsync(entry, "add", ct);
        }

        _pendingAdded = true;

        var files = new LocalSegmentFiles(segment.LogFile, segment.OffsetIndexFile, segment.TimeIndexFile, entry.LeaderEpochs, segment.ProducerSnapshotFile, segment.TransactionIndexFile);
        await _storage.UploadAsync(entry, files, ct);
        if (!await _manifest.TransitionAsync(entry.TopicId, entry.Partition, entry.SegmentId, RemoteSegmentState.CopyStarted, RemoteSegmentState.CopyFinished, ct))
        {
            return await FinishedOrFencedAsync(entry, "finish", ct);
        }

        _pendingCopy = null;
        _pendingAdded = false;
        NoteCopied(entry.EndOffset);
        NoteRemoteSegmentCopied(entry);
        SegmentCopied?.Invoke(entry);
        RemotePartitionTierLog.Copied(_logger, Topic, Partition, entry.BaseOffset, entry.EndOffset, entry.SegmentId, entry.SizeInBytes);
        return true;
    }

    private async Task<bool> FinishedOrFencedAsync(RemoteSegmentMetadata entry, string step, CancellationToken ct)
    {
        _pendingCopy = null;
        _pendingAdded = false;
        if (await _manifest.TransitionAsync(entry.TopicId, entry.Partition, entry.SegmentId, RemoteSegmentState.CopyFinished, RemoteSegmentState.CopyFinished, ct))
        {
            NoteCopied(entry.EndOffset);
            NoteRemoteSegmentCopied(entry);
            SegmentCopied?.Invoke(entry);
            return true;
        }

        IsFenced = true;
        RemotePartitionTierLog.Fenced(_logger, Topic, Partition, entry.SegmentId, step);
        return false;
    }
}
