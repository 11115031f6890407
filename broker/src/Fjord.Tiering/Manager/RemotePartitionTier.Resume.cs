namespace Fjord.Tiering;

public sealed partial class RemotePartitionTier
{
    private bool _resumed;

    /// <summary>
    /// Run by a new leader or after a restart: CopyStarted entries are abandoned attempts (their
    /// uploader is gone) and are deleted with their blobs; DeleteStarted/DeleteFinished entries are
    /// finished; blobs with no manifest entry (an upload that crashed before or after its entry
    /// went) are deleted — unless the manifest names none of the partition's blobs, which means a
    /// wiped manifest, not strays: then it refuses and deletes nothing. Afterwards the manifest holds
    /// only CopyFinished entries and the store only their blobs. Idempotent.
    /// </summary>
    public async Task ResumeAsync(CancellationToken ct)
    {
        // Fence first: after it no older leader can add an entry, so the listing below holds every
        // entry a deposed leader still has in flight, and cleaning them leaves none behind.
        if (!await _manifest.FenceAsync(_log.TopicId, Partition, _options.LeaderEpoch, ct))
        {
            IsFenced = true;
            RemotePartitionTierLog.Fenced(_logger, Topic, Partition, Guid.Empty, "resume");
            return;
        }

        // Blobs first, manifest second: the entry is written before any blob, so a blob listed here
        // whose entry is missing from the later listing really has no entry (or had it removed).
        var blobIds = await _storage.ListSegmentIdsAsync(_log.TopicId, Partition, ct);
        var entries = await _manifest.ListAsync(_log.TopicId, Partition, ct);
        if (entries.Count == 0 && blobIds.Count > 0)
        {
            // Every blob is written after its entry, so blobs under a manifest with no entry at all
            // mean the manifest was wiped or replaced, not that each blob is a stray: taking them for
            // orphans would delete the partition's whole remote history. Nothing is touched; the
            // next round checks again, and a restored manifest lets the tier resume.
            throw new InvalidOperationException(
                $"the remote-log manifest holds no entry for {Topic}-{Partition} (topic id {_log.TopicId}) but Blob storage holds {blobIds.Count} of its segments: " +
                "was the manifest table wiped or replaced? Nothing is deleted or uploaded for this partition until the manifest is restored.");
        }

        var cleaned = 0;
        foreach (var entry in entries)
        {
            if (entry.State == RemoteSegmentState.CopyFinished)
            {
                NoteCopied(entry.EndOffset);
            }
        }

        NoteRemoteSegments([.. entries.Where(e => e.State == RemoteSegmentState.CopyFinished).OrderBy(e => e.BaseOffset)], deleted: 0);

        NoteRetentionDeletions(entries);
        foreach (var entry in entries.Where(e => e.State != RemoteSegmentState.CopyFinished))
        {
            if (await DeleteRemoteSegmentAsync(entry, "unfinished at resume", ct))
            {
                cleaned++;
            }
        }

        var known = entries.Select(e => e.SegmentId).ToHashSet();
        var orphans = 0;
        foreach (var id in blobIds.Where(id => !known.Contains(id)))
        {
            await _storage.DeleteAsync(OrphanOf(id), ct);
            RemotePartitionTierLog.DeletedOrphan(_logger, Topic, Partition, id);
            orphans++;
        }

        _pendingCopy = null;
        _pendingAdded = false;
        _resumed = true;
        UpdateLag();
        RemotePartitionTierLog.Resumed(_logger, Topic, Partition, cleaned, orphans, HighestCopiedOffset);
    }

    /// <summary>
    /// Topic deletion: every entry of the partition and every blob goes, whatever its state.
    /// The tier is unusable afterwards.
    /// </summary>
    public async Task DeletePartitionAsync(CancellationToken ct)
    {
        IsFenced = true;
        var blobIds = await _storage.ListSegmentIdsAsync(_log.TopicId, Partition, ct);
        var entries = await _manifest.ListAsync(_log.TopicId, Partition, ct);
        foreach (var entry in entries)
        {
            await DeleteRemoteSegmentAsync(entry, "partition deleted", ct);
        }

        var known = entries.Select(e => e.SegmentId).ToHashSet();
        foreach (var id in blobIds.Where(id => !known.Contains(id)))
        {
            await _storage.DeleteAsync(OrphanOf(id), ct);
            RemotePartitionTierLog.DeletedOrphan(_logger, Topic, Partition, id);
        }
    }

    /// <summary>
    /// A deletion a crash interrupted was retention's when it lies below every remaining
    /// CopyFinished entry (an abandoned copy lies above them): the log start offset must pass it,
    /// so the next <see cref="ApplyRemoteRetentionAsync"/> returns at least its end + 1. With no
    /// CopyFinished entry left the two cannot be told apart, and the start offset is left alone.
    /// </summary>
    private void NoteRetentionDeletions(IReadOnlyList<RemoteSegmentMetadata> entries)
    {
        var firstFinished = entries.Where(e => e.State == RemoteSegmentState.CopyFinished).Select(e => e.BaseOffset).DefaultIfEmpty(-1).Min();
        foreach (var entry in entries.Where(e => e.State is RemoteSegmentState.DeleteStarted or RemoteSegmentState.DeleteFinished))
        {
            if (firstFinished >= 0 && entry.EndOffset < firstFinished)
            {
                _deletedBelow = Math.Max(_deletedBelow, entry.EndOffset + 1);
            }
        }
    }

    /// <summary>
    /// DeleteStarted → blobs deleted → DeleteFinished → entry removed, from whatever state the entry
    /// is in. False when someone else moved the entry first (they own its deletion now).
    /// </summary>
    private async Task<bool> DeleteRemoteSegmentAsync(RemoteSegmentMetadata entry, string reason, CancellationToken ct)
    {
        var (topicId, partition, id) = (entry.TopicId, entry.Partition, entry.SegmentId);
        if (entry.State is RemoteSegmentState.CopyStarted or RemoteSegmentState.CopyFinished
            && !await _manifest.TransitionAsync(topicId, partition, id, entry.State, RemoteSegmentState.DeleteStarted, ct)
            && !await _manifest.TransitionAsync(topicId, partition, id, RemoteSegmentState.DeleteStarted, RemoteSegmentState.DeleteStarted, ct))
        {
            return false;
        }

        if (entry.State != RemoteSegmentState.DeleteFinished)
        {
            await _storage.DeleteAsync(entry, ct);
            if (!await _manifest.TransitionAsync(topicId, partition, id, RemoteSegmentState.DeleteStarted, RemoteSegmentState.DeleteFinished, ct)
                && !await _manifest.TransitionAsync(topicId, partition, id, RemoteSegmentState.DeleteFinished, RemoteSegmentState.DeleteFinished, ct))
            {
                return false;
            }
        }
        else
        {
            // Its blobs should be gone already; deleting again is free and guards a lost delete.
            await _storage.DeleteAsync(entry, ct);
        }

        await _manifest.RemoveAsync(topicId, partition, id, ct);
        RemotePartitionTierLog.DeletedRemote(_logger, Topic, Partition, id, entry.BaseOffset, entry.EndOffset, reason);
        return true;
    }
}
