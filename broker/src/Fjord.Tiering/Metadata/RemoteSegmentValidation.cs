namespace Fjord.Tiering;

/// <summary>Argument checks every manifest implementation shares, so the fake refuses exactly what Table storage refuses.</summary>
internal static class RemoteSegmentValidation
{
    private static readonly DateTimeOffset MinEventTime = new(1601, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static void ValidateNew(RemoteSegmentMetadata segment)
    {
        ArgumentNullException.ThrowIfNull(segment);
        ValidateKey(segment.TopicId, segment.Partition, segment.SegmentId);
        ArgumentNullException.ThrowIfNull(segment.Topic);
        ArgumentNullException.ThrowIfNull(segment.LeaderEpochs);
        ArgumentOutOfRangeException.ThrowIfNegative(segment.BaseOffset);
        // EndOffset is inclusive, so an empty segment (never tiered, but harmless) ends one below its base.
        ArgumentOutOfRangeException.ThrowIfLessThan(segment.EndOffset, segment.BaseOffset - 1);
        ArgumentOutOfRangeException.ThrowIfNegative(segment.SizeInBytes);
        // Table storage's DateTime starts in 1601; refusing earlier times here keeps the fake honest.
        if (segment.EventTime < MinEventTime)
            throw new ArgumentOutOfRangeException(nameof(segment), segment.EventTime, $"The event time must not be before {MinEventTime:O}.");
        if (segment.State != RemoteSegmentState.CopyStarted)
            throw new ArgumentException($"A new remote segment starts in {RemoteSegmentState.CopyStarted}, not {segment.State}.", nameof(segment));
    }

    public static void ValidateKey(Guid topicId, int partition, Guid segmentId)
    {
        if (topicId == Guid.Empty)
            throw new ArgumentException("The topic id must not be empty.", nameof(topicId));
        ArgumentOutOfRangeException.ThrowIfNegative(partition);
        if (segmentId == Guid.Empty)
            throw new ArgumentException("The segment id must not be empty.", nameof(segmentId));
    }

    /// <summary>The manifest's listing order: base offset, then event time, then segment id so ties are deterministic.</summary>
    public static int Compare(RemoteSegmentMetadata x, RemoteSegmentMetadata y)
    {
        var byOffset = x.BaseOffset.CompareTo(y.BaseOffset);
        if (byOffset != 0)
            return byOffset;
        var byTime = x.EventTime.CompareTo(y.EventTime);
        return byTime != 0 ? byTime : x.SegmentId.CompareTo(y.SegmentId);
    }
}
