using System.Buffers.Binary;
using System.Globalization;
using Fjord.Testing;

namespace Fjord.Broker.Tests.Cluster;

/// <summary>
/// Reads a partition's log straight from a broker's data folder (<c>&lt;logdir&gt;/&lt;topic&gt;-&lt;partition&gt;/D20.log</c>),
/// bypassing the broker, so a test can compare what each replica really holds. Only v2 record
/// batches; the scan stops at the first length that runs past the file or is zero (the preallocated
/// tail of an active segment, or a torn write recovery has not cut yet).
/// </summary>
public static class ReplicaLogFiles
{
    private const int BatchHeaderBytes = 61;
    private const int LogOverheadBytes = 12;

    public static string PartitionDirectory(string logDir, string topic, int partition) =>
        Path.Combine(logDir, $"{topic}-{partition}");

    /// <summary>Every complete batch of the partition, in offset order; empty when the folder does not exist.</summary>
    public static IReadOnlyList<LogBatch> ReadBatches(string logDir, string topic, int partition)
    {
        var directory = PartitionDirectory(logDir, topic, partition);
        var batches = new List<LogBatch>();
        if (!Directory.Exists(directory))
            return batches;
        var segments = Directory.GetFiles(directory, "*.log")
            .Select(f => (Path: f, Name: Path.GetFileNameWithoutExtension(f)))
            .Where(f => f.Name.Length == 20 && f.Name.All(char.IsAsciiDigit))
            .OrderBy(f => long.Parse(f.Name, CultureInfo.InvariantCulture));
        foreach (var (path, _) in segments)
            ReadSegment(path, batches);
        return batches;
    }

    /// <summary>
    /// The bytes of every batch that ends below <paramref name="highWatermark"/>, concatenated: what
    /// must be identical on every in-sync replica. A batch straddling the high watermark is left out
    /// because a follower may legitimately not have it whole yet.
    /// </summary>
    public static byte[] CommittedBytes(string logDir, string topic, int partition, long highWatermark)
    {
        using var buffer = new MemoryStream();
        foreach (var batch in ReadBatches(logDir, topic, partition))
        {
            if (batch.LastOffset >= highWatermark)
                break;
            buffer.Write(batch.Bytes);
        }

        return buffer.ToArray();
    }

    /// <summary>What each replica of the partition holds below the high watermark, as bytes, by node id.</summary>
    public static Dictionary<int, byte[]> CommittedBytes(FjordTestCluster cluster, string topic, int partition, IEnumerable<int> replicas, long highWatermark) =>
        replicas.ToDictionary(r => r, r => CommittedBytes(cluster[r].LogDir, topic, partition, highWatermark));

    /// <summary>Every data record of the partition by offset (uncompressed batches only; control batches skipped).</summary>
    public static IReadOnlyDictionary<long, LogRecord> ReadRecords(string logDir, string topic, int partition)
    {
        var records = new Dictionary<long, LogRecord>();
        foreach (var batch in ReadBatches(logDir, topic, partition))
        {
            if (batch.IsControl)
                continue;
            if (batch.IsCompressed)
                throw new NotSupportedException($"{topic}-{partition} batch at {batch.BaseOffset} is compressed; produce uncompressed in these tests");
            foreach (var record in ParseRecords(batch))
                records[record.Offset] = record;
        }

        return records;
    }

    private static void ReadSegment(string path, List<LogBatch> batches)
    {
        byte[] bytes;
        // The broker keeps writing; share the file so the read never fails on its lock.
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        {
            bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
        }

        var position = 0;
        while (position + BatchHeaderBytes <= bytes.Length)
        {
            var span = bytes.AsSpan(position);
            var baseOffset = BinaryPrimitives.ReadInt64BigEndian(span);
            var batchLength = BinaryPrimitives.ReadInt32BigEndian(span[8..]);
            if (batchLength < BatchHeaderBytes - LogOverheadBytes || position + LogOverheadBytes + batchLength > bytes.Length)
                return;
            var leaderEpoch = BinaryPrimitives.ReadInt32BigEndian(span[12..]);
            var lastOffsetDelta = BinaryPrimitives.ReadInt32BigEndian(span[23..]);
            batches.Add(new LogBatch(baseOffset, baseOffset + lastOffsetDelta, leaderEpoch, span[..(LogOverheadBytes + batchLength)].ToArray()));
            position += LogOverheadBytes + batchLength;
        }
    }

    private static List<LogRecord> ParseRecords(LogBatch batch)
    {
        var count = BinaryPrimitives.ReadInt32BigEndian(batch.Bytes.AsSpan(57));
        var position = BatchHeaderBytes;
        var records = new List<LogRecord>(count);
        for (var i = 0; i < count; i++)
        {
            var length = (int)ReadVarLong(batch.Bytes, ref position);
            var end = position + length;
            position++; // record attributes
            _ = ReadVarLong(batch.Bytes, ref position); // timestamp delta
            var offsetDelta = ReadVarLong(batch.Bytes, ref position);
            var keyLength = (int)ReadVarLong(batch.Bytes, ref position);
            if (keyLength > 0)
                position += keyLength;
            var valueLength = (int)ReadVarLong(batch.Bytes, ref position);
            var value = valueLength < 0 ? null : batch.Bytes.AsSpan(position, valueLength).ToArray();
            records.Add(new LogRecord(batch.BaseOffset + offsetDelta, value));
            position = end;
        }

        return records;
    }

    /// <summary>Kafka's zig-zag varint/varlong.</summary>
    private static long ReadVarLong(byte[] bytes, ref int position)
    {
        ulong raw = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = bytes[position++];
            raw |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
                return (long)(raw >> 1) ^ -(long)(raw & 1);
        }

        throw new InvalidDataException("varint longer than 10 bytes");
    }
}
