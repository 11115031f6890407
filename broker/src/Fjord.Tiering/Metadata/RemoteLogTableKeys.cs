using System.Globalization;

namespace Fjord.Tiering;

/// <summary>
/// Keys of the manifest table. One table partition per topic partition keeps a partition's
/// listing a single-partition range query; topic ids (not names) key it, so a re-created topic
/// never sees the old incarnation's segments. Guids in "N" form hold only [0-9a-f], legal in keys.
/// </summary>
internal static class RemoteLogTableKeys
{
    // '_' sorts after every hex digit, and '`' right after '_' bounds a topic's partitions from above.
    private const char Separator = '_';

    public static string PartitionKey(Guid topicId, int partition) =>
        TopicPrefix(topicId) + partition.ToString("D10", CultureInfo.InvariantCulture);

    /// <summary>The prefix shared by the partition keys of every partition of the topic.</summary>
    public static string TopicPrefix(Guid topicId) => topicId.ToString("N", CultureInfo.InvariantCulture) + Separator;

    /// <summary>The exclusive upper bound of the keys starting with <paramref name="prefix"/>.</summary>
    public static string PrefixEnd(string prefix) => prefix[..^1] + (char)(prefix[^1] + 1);

    /// <summary>The partition's writer fence (the newest leader epoch allowed to add entries); never a segment id, which is 32 hex digits.</summary>
    public const string FenceRowKey = "fence";

    public static string RowKey(Guid segmentId) => segmentId.ToString("N", CultureInfo.InvariantCulture);
}
