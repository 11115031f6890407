namespace Fjord.Tiering;

/// <summary>Argument checks both remote storages share, so the fake refuses exactly what Blob storage refuses.</summary>
internal static class RemoteStorageValidation
{
    /// <summary>
    /// A delete may name a segment by id alone: an orphan found by listing has no manifest entry, so
    /// its base offset is unknown (negative) and the storage finds its files by listing.
    /// </summary>
    public static void ValidateDelete(RemoteSegmentMetadata segment)
    {
        ValidateSegment(segment with { BaseOffset = Math.Max(0, segment.BaseOffset) });
    }

    public static void ValidateSegment(RemoteSegmentMetadata segment)
    {
        ArgumentNullException.ThrowIfNull(segment);
        if (segment.TopicId == Guid.Empty)
            throw new ArgumentException("The topic id must not be empty.", nameof(segment));
        if (segment.SegmentId == Guid.Empty)
            throw new ArgumentException("The segment id must not be empty.", nameof(segment));
        if (segment.Partition < 0 || segment.BaseOffset < 0)
            throw new ArgumentOutOfRangeException(nameof(segment), "Partition and base offset must not be negative.");
    }

    public static void ValidateFiles(LocalSegmentFiles files)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentException.ThrowIfNullOrEmpty(files.LogFile);
        ArgumentException.ThrowIfNullOrEmpty(files.OffsetIndexFile);
        ArgumentException.ThrowIfNullOrEmpty(files.TimeIndexFile);
        ArgumentNullException.ThrowIfNull(files.LeaderEpochs);
    }

    public static void ValidateRead(RemoteSegmentMetadata segment, RemoteFileType file, long position)
    {
        ValidateSegment(segment);
        if (!Enum.IsDefined(file))
            throw new ArgumentOutOfRangeException(nameof(file), file, "Unknown remote file type.");
        ArgumentOutOfRangeException.ThrowIfNegative(position);
    }

    public static FileNotFoundException Missing(string name) =>
        new($"Remote file {name} does not exist.", name);
}
