using System.Globalization;
using System.Text;

namespace Fjord.Cluster;

/// <summary>
/// Row and partition keys of the metadata table. Table keys forbid / \ # ? and control characters
/// and are limited to 1 KiB, so names are escaped reversibly: [A-Za-z0-9._-] (all a Kafka topic
/// name may hold) pass through; any other UTF-16 unit becomes ~XXXX (hex).
/// </summary>
internal static class TableKeys
{
    /// <summary>
    /// The one partition for every row that takes part in versioned changes, so a change and the
    /// version bump are one same-partition transaction.
    /// </summary>
    public const string ClusterPartition = "cluster";

    // '!' sorts before the letters, keeping singleton rows apart from the prefixed ranges.
    public const string VersionRow = "!version";
    public const string ClusterIdRow = "!clusterid";
    public const string TopicPrefix = "t_";
    public const string BrokerPrefix = "b_";
    public const string ControllerRow = "!controller";
    public const string ProducerIdBlockRow = "!produceridblock";
    public const string PartitionPrefix = "p_";
    public const string DeletedTopicPrefix = "d_";

    // ':' never occurs in an encoded name, so "p_orders:" cannot be a prefix of another topic's rows.
    private const char PartitionSeparator = ':';

    /// <summary>Table keys may be up to 1 KiB; leave room so no escaped name can exceed it.</summary>
    public const int MaxEncodedNameChars = 500;

    public static string TopicRow(string name) => TopicPrefix + Encode(name);

    public static string DeletedTopicRow(Guid topicId) => DeletedTopicPrefix + topicId.ToString("N");

    public static string BrokerRow(int nodeId) => BrokerPrefix + nodeId.ToString("D10", CultureInfo.InvariantCulture);

    /// <summary>The key prefix of every partition-state row of the topic <paramref name="topic"/>, whatever its incarnation.</summary>
    public static string PartitionTopicPrefix(string topic) => PartitionPrefix + Encode(topic) + PartitionSeparator;

    public static string PartitionRow(string topic, int partition) =>
        PartitionTopicPrefix(topic) + partition.ToString("D10", CultureInfo.InvariantCulture);

    /// <summary>The exclusive upper bound of the keys starting with <paramref name="prefix"/>.</summary>
    public static string PrefixEnd(string prefix) => prefix[..^1] + (char)(prefix[^1] + 1);

    public static string Encode(string name)
    {
        if (!TryEncode(name, out var encoded))
            throw new ArgumentException($"The name '{name[..Math.Min(name.Length, 40)]}…' is too long for a Table storage key once escaped ({encoded.Length} chars).", nameof(name));
        return encoded;
    }

    /// <summary>False when the escaped name exceeds <see cref="MaxEncodedNameChars"/>; <paramref name="encoded"/> is then the over-long escape.</summary>
    public static bool TryEncode(string name, out string encoded)
    {
        var builder = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            if (c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '.' or '_' or '-')
                builder.Append(c);
            else
                builder.Append('~').Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
        }

        encoded = builder.ToString();
        return encoded.Length <= MaxEncodedNameChars;
    }

    public static string Decode(string encoded)
    {
        var builder = new StringBuilder(encoded.Length);
        for (var i = 0; i < encoded.Length; i++)
        {
            if (encoded[i] != '~')
            {
                builder.Append(encoded[i]);
                continue;
            }

            if (i + 4 >= encoded.Length)
                throw new FormatException($"Truncated escape in key '{encoded}'.");
            builder.Append((char)int.Parse(encoded.AsSpan(i + 1, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
            i += 4;
        }

        return builder.ToString();
    }
}
