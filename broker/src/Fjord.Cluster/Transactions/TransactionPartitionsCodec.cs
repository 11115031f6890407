using System.Buffers.Binary;
using System.Text;

namespace Fjord.Cluster;

/// <summary>
/// The partitions of a transaction as one binary column: per topic its UTF-8 name once, then its
/// partition numbers (big-endian, as Kafka's own records are). Grouping by topic keeps a transaction
/// across many partitions of few topics well inside the column's 64 KiB.
/// Layout: topicCount:int32, then per topic nameLength:int32 name partitionCount:int32 partition:int32*.
/// </summary>
internal static class TransactionPartitionsCodec
{
    /// <summary>Table storage's limit on one binary property.</summary>
    public const int MaxBytes = 64 * 1024;

    public static byte[] Encode(IReadOnlyList<TransactionPartition> partitions)
    {
        var byTopic = partitions
            .GroupBy(p => p.Topic, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (Name: Encoding.UTF8.GetBytes(g.Key), Partitions: g.Select(p => p.Partition).Distinct().Order().ToArray()))
            .ToList();
        var size = 4 + byTopic.Sum(t => 4 + t.Name.Length + 4 + (4 * t.Partitions.Length));
        if (size > MaxBytes)
            throw new InvalidOperationException($"The transaction's {partitions.Count} partitions need {size} bytes; a Table storage column holds {MaxBytes}.");

        var bytes = new byte[size];
        var span = bytes.AsSpan();
        BinaryPrimitives.WriteInt32BigEndian(span, byTopic.Count);
        span = span[4..];
        foreach (var (name, numbers) in byTopic)
        {
            BinaryPrimitives.WriteInt32BigEndian(span, name.Length);
            name.CopyTo(span[4..]);
            span = span[(4 + name.Length)..];
            BinaryPrimitives.WriteInt32BigEndian(span, numbers.Length);
            span = span[4..];
            foreach (var number in numbers)
            {
                BinaryPrimitives.WriteInt32BigEndian(span, number);
                span = span[4..];
            }
        }

        return bytes;
    }

    public static IReadOnlyList<TransactionPartition> Decode(ReadOnlySpan<byte> bytes)
    {
        var partitions = new List<TransactionPartition>();
        var topics = ReadCount(ref bytes);
        for (var t = 0; t < topics; t++)
        {
            var nameLength = ReadCount(ref bytes);
            if (bytes.Length < nameLength)
                throw new FormatException("The partitions column is truncated.");
            var name = Encoding.UTF8.GetString(bytes[..nameLength]);
            bytes = bytes[nameLength..];
            var count = ReadCount(ref bytes);
            for (var i = 0; i < count; i++)
                partitions.Add(new TransactionPartition(name, ReadCount(ref bytes)));
        }

        return partitions;
    }

    private static int ReadCount(ref ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 4)
            throw new FormatException("The partitions column is truncated.");
        var value = BinaryPrimitives.ReadInt32BigEndian(bytes);
        if (value < 0)
            throw new FormatException("The partitions column holds a negative count.");
        bytes = bytes[4..];
        return value;
    }
}
