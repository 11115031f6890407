using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Fjord.Cluster;

/// <summary>
/// Keys of the offsets table. A group is one partition (so a commit of up to 100 offsets is one
/// transaction); its key is the group id escaped as <see cref="TableKeys"/> escapes topic names.
/// Kafka puts no practical limit on a group id's length, so an id whose escape would not fit a key
/// is keyed by a hash instead; every group's id is also kept in a column, which is what listings read.
/// </summary>
internal static class OffsetTableKeys
{
    /// <summary>
    /// Table storage cannot list distinct partition keys, so every group has a row here. '!' is
    /// escaped in group keys, so no group's partition can be this one.
    /// </summary>
    public const string GroupIndexPartition = "!groups";

    public const string GroupRow = "g";
    public const string OffsetPrefix = "o_";
    public const string PendingPrefix = "p_";

    /// <summary>Rows "&lt;producer id&gt;_&lt;group key&gt;" naming the groups with pending offsets of a producer, one partition per offsets partition.</summary>
    private const string PendingIndexPrefix = "!txn_";

    /// <summary>Escapes are '~' plus four upper-case hex digits, so "~h" never starts an escaped id.</summary>
    private const string HashedPrefix = "~h";

    public static string GroupPartition(string groupId)
    {
        if (TableKeys.TryEncode(groupId, out var encoded))
            return encoded;
        // Hash the UTF-16 units, not UTF-8, so ids differing only in lone surrogates stay apart.
        var hash = SHA256.HashData(MemoryMarshal.AsBytes(groupId.AsSpan()));
        return HashedPrefix + Convert.ToHexString(hash);
    }

    /// <summary>p_&lt;producer id, 20 digits&gt;_: the prefix of one producer's pending offsets in its group's partition.</summary>
    public static string PendingPrefixOf(long producerId) =>
        PendingPrefix + producerId.ToString("D20", CultureInfo.InvariantCulture) + "_";

    public static string PendingRow(long producerId, string topic, int partition) =>
        PendingPrefixOf(producerId) + TableKeys.Encode(topic) + "_" + partition.ToString("D10", CultureInfo.InvariantCulture);

    public static string PendingIndexPartition(int offsetsPartition) =>
        PendingIndexPrefix + offsetsPartition.ToString("D10", CultureInfo.InvariantCulture);

    public static string PendingIndexRow(long producerId, string groupPartition) =>
        producerId.ToString("D20", CultureInfo.InvariantCulture) + "_" + groupPartition;

    public static string PendingIndexRowPrefix(long producerId) =>
        producerId.ToString("D20", CultureInfo.InvariantCulture) + "_";

    /// <summary>o_&lt;escaped topic&gt;_&lt;partition, 10 digits&gt;: fixed-width partitions sort numerically within a topic.</summary>
    public static string OffsetRow(string topic, int partition) =>
        OffsetPrefix + TableKeys.Encode(topic) + "_" + partition.ToString("D10", CultureInfo.InvariantCulture);
}
