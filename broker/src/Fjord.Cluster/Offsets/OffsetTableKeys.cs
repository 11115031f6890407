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

    /// <summary>o_&lt;escaped topic&gt;_&lt;partition, 10 digits&gt;: fixed-width partitions sort numerically within a topic.</summary>
    public static string OffsetRow(string topic, int partition) =>
        OffsetPrefix + TableKeys.Encode(topic) + "_" + partition.ToString("D10", CultureInfo.InvariantCulture);
}
