namespace Fjord.Tiering.Tests.Manager;

/// <summary>The crash-safety invariants, checked after a tier has resumed.</summary>
internal static class TierAssert
{
    // The producer snapshot is optional (segments uploaded before snapshots existed have none), and so is
    // the transaction index (only segments with abort markers have one).
    private static readonly RemoteFileType[] AllFiles = [.. Enum.GetValues<RemoteFileType>().Where(f => !IsOptional(f))];

    private static bool IsOptional(RemoteFileType file) => file is RemoteFileType.ProducerSnapshot or RemoteFileType.TransactionIndex;

    /// <summary>
    /// Manifest and blob store agree (every entry CopyFinished with all its files, no blob without
    /// an entry), the remote segments are contiguous without overlap, and remote + local cover
    /// [log start offset, log end offset) with no gap.
    /// </summary>
    public static void Consistent(FakeManifest manifest, FakeRemoteStorage storage, FakeTieredLog log)
    {
        var entries = manifest.Entries;
        Assert.All(entries, e => Assert.Equal(RemoteSegmentState.CopyFinished, e.State));
        var files = storage.Files;
        Assert.Equal(entries.Select(e => e.SegmentId).Order(), files.Keys.Order());
        Assert.All(files.Values, f => Assert.Equal(AllFiles, f.Where(t => !IsOptional(t)).Order()));

        var next = entries.Count > 0 ? entries[0].BaseOffset : log.LogStartOffset;
        Assert.True(next <= log.LogStartOffset, $"remote starts at {next}, after the log start offset {log.LogStartOffset}");
        foreach (var entry in entries)
        {
            Assert.Equal(next, entry.BaseOffset);
            next = entry.EndOffset + 1;
        }

        // The local part starts at or below the end of the remote part: no offset range is missing.
        Assert.True(log.LocalLogStartOffset <= next, $"offsets {next}..{log.LocalLogStartOffset - 1} are neither remote nor local");
    }
}
