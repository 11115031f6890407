using System.Globalization;

namespace Fjord.Tiering;

/// <summary>
/// Blob names of tiered segments: <c>&lt;topicId&gt;/&lt;partition&gt;/&lt;baseOffset:D20&gt;-&lt;segmentId&gt;.&lt;ext&gt;</c>.
/// The topic id (not the name) keeps a re-created topic's blobs apart; the zero-padded base offset
/// makes a listing come back in offset order, as Kafka's own segment file names do; the segment id
/// keeps every upload attempt of the same offsets in blobs of its own.
/// </summary>
internal static class RemoteBlobNames
{
    private const int OffsetDigits = 20;

    // "D20-" then a Guid in "D" form (36 chars), then '.' and the extension.
    private const int SegmentIdStart = OffsetDigits + 1;
    private const int SegmentIdLength = 36;

    public static string PartitionPrefix(Guid topicId, int partition) =>
        string.Create(CultureInfo.InvariantCulture, $"{topicId:D}/{partition}/");

    public static string Name(RemoteSegmentMetadata segment, RemoteFileType file) =>
        string.Create(CultureInfo.InvariantCulture, $"{PartitionPrefix(segment.TopicId, segment.Partition)}{segment.BaseOffset:D20}-{segment.SegmentId:D}.{Extension(file)}");

    /// <summary>Kafka's file suffixes, so an operator browsing the container recognises what each blob is.</summary>
    public static string Extension(RemoteFileType file) => file switch
    {
        RemoteFileType.Segment => "log",
        RemoteFileType.OffsetIndex => "index",
        RemoteFileType.TimeIndex => "timeindex",
        RemoteFileType.LeaderEpochCheckpoint => "leader-epoch-checkpoint",
        RemoteFileType.ProducerSnapshot => "snapshot",
        RemoteFileType.TransactionIndex => "txnindex",
        _ => throw new ArgumentOutOfRangeException(nameof(file), file, "Unknown remote file type."),
    };

    /// <summary>The segment id in a blob name under <paramref name="prefix"/>; false for a blob this naming did not produce.</summary>
    public static bool TryParseSegmentId(string name, string prefix, out Guid segmentId)
    {
        segmentId = Guid.Empty;
        if (!name.StartsWith(prefix, StringComparison.Ordinal))
            return false;
        var file = name.AsSpan(prefix.Length);
        return file.Length > SegmentIdStart + SegmentIdLength
            && file[OffsetDigits] == '-'
            && file[SegmentIdStart + SegmentIdLength] == '.'
            && Guid.TryParseExact(file.Slice(SegmentIdStart, SegmentIdLength), "D", out segmentId);
    }
}
