using System.Buffers.Binary;
using System.Globalization;
using System.IO.Hashing;

namespace Fjord.Log.Producers;

/// <summary>
/// Kafka's producer snapshot: <c>&lt;offset, 20 digits&gt;.snapshot</c> in the partition directory holds
/// the state of every producer as of that offset (everything below it applied), so a restart
/// replays only the log after the newest snapshot. Unlike Kafka's, which keeps one batch per
/// producer, it keeps every retained batch, so retries of any of them are still recognised after a
/// restart. Layout, big-endian:
/// <code>
/// version int16 (1) | crc uint32 (CRC-32C of everything after it) | producers int32
/// per producer: producerId int64 | epoch int16 | lastTimestamp int64 | coordinatorEpoch int32
///               | currentTxnFirstOffset int64 | batches int8
///               per batch: lastSequence int32 | lastOffset int64 | offsetDelta int32 | timestamp int64
/// </code>
/// Written to a temporary file and renamed, never fsynced: a snapshot lost or torn by a crash fails
/// its CRC and is deleted on load, and the state is rebuilt from an older one plus the log.
/// </summary>
public static class ProducerSnapshotFile
{
    public const string Suffix = ".snapshot";

    private const short Version = 1;
    private const int HeaderSize = 2 + 4 + 4;
    private const int ProducerSize = 8 + 2 + 8 + 4 + 8 + 1;
    private const int BatchSize = 4 + 8 + 4 + 8;

    public static string PathFor(string directory, long offset) =>
        Path.Combine(directory, offset.ToString("D20", CultureInfo.InvariantCulture) + Suffix);

    /// <summary>The offsets of the snapshot files in <paramref name="directory"/>, ascending.</summary>
    public static IReadOnlyList<long> List(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return [];
        }

        return [.. Directory.EnumerateFiles(directory, "*" + Suffix)
            .Select(p => long.TryParse(Path.GetFileNameWithoutExtension(p), NumberStyles.None, CultureInfo.InvariantCulture, out var offset) ? offset : -1)
            .Where(o => o >= 0)
            .Order()];
    }

    public static void Write(string directory, long offset, IReadOnlyCollection<ProducerStateEntry> producers)
    {
        var size = HeaderSize;
        foreach (var producer in producers)
        {
            size += ProducerSize + (producer.BatchCount * BatchSize);
        }

        var bytes = new byte[size];
        var span = bytes.AsSpan();
        BinaryPrimitives.WriteInt16BigEndian(span, Version);
        BinaryPrimitives.WriteInt32BigEndian(span[6..], producers.Count);
        var position = HeaderSize;
        foreach (var producer in producers)
        {
            var entry = span[position..];
            BinaryPrimitives.WriteInt64BigEndian(entry, producer.ProducerId);
            BinaryPrimitives.WriteInt16BigEndian(entry[8..], producer.ProducerEpoch);
            BinaryPrimitives.WriteInt64BigEndian(entry[10..], producer.LastTimestamp);
            BinaryPrimitives.WriteInt32BigEndian(entry[18..], producer.CoordinatorEpoch);
            BinaryPrimitives.WriteInt64BigEndian(entry[22..], producer.CurrentTxnFirstOffset);
            entry[30] = (byte)producer.BatchCount;
            position += ProducerSize;
            foreach (var batch in producer.Batches)
            {
                var b = span[position..];
                BinaryPrimitives.WriteInt32BigEndian(b, batch.LastSequence);
                BinaryPrimitives.WriteInt64BigEndian(b[4..], batch.LastOffset);
                BinaryPrimitives.WriteInt32BigEndian(b[12..], batch.OffsetDelta);
                BinaryPrimitives.WriteInt64BigEndian(b[16..], batch.Timestamp);
                position += BatchSize;
            }
        }

        BinaryPrimitives.WriteUInt32BigEndian(span[2..], Crc32.HashToUInt32(Crc32ParameterSet.Crc32C, span[6..]));
        var path = PathFor(directory, offset);
        var temporary = path + ".tmp";
        File.WriteAllBytes(temporary, bytes);
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Reads a snapshot; null when the file is torn, corrupt or of an unknown version.</summary>
    public static List<ProducerStateEntry>? TryRead(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (FileNotFoundException)
        {
            return null;
        }

        var span = bytes.AsSpan();
        if (span.Length < HeaderSize
            || BinaryPrimitives.ReadInt16BigEndian(span) != Version
            || BinaryPrimitives.ReadUInt32BigEndian(span[2..]) != Crc32.HashToUInt32(Crc32ParameterSet.Crc32C, span[6..]))
        {
            return null;
        }

        var count = BinaryPrimitives.ReadInt32BigEndian(span[6..]);
        var producers = new List<ProducerStateEntry>(Math.Max(0, Math.Min(count, span.Length / ProducerSize)));
        var position = HeaderSize;
        for (var i = 0; i < count; i++)
        {
            if (span.Length - position < ProducerSize)
            {
                return null;
            }

            var entry = span[position..];
            var producer = new ProducerStateEntry(BinaryPrimitives.ReadInt64BigEndian(entry), BinaryPrimitives.ReadInt16BigEndian(entry[8..]))
            {
                CoordinatorEpoch = BinaryPrimitives.ReadInt32BigEndian(entry[18..]),
                CurrentTxnFirstOffset = BinaryPrimitives.ReadInt64BigEndian(entry[22..]),
            };
            var lastTimestamp = BinaryPrimitives.ReadInt64BigEndian(entry[10..]);
            int batches = entry[30];
            position += ProducerSize;
            if (batches > ProducerStateEntry.BatchesToRetain || span.Length - position < batches * BatchSize)
            {
                return null;
            }

            for (var j = 0; j < batches; j++)
            {
                var b = span[position..];
                producer.AddBatch(
                    producer.ProducerEpoch,
                    new BatchMetadata(
                        BinaryPrimitives.ReadInt32BigEndian(b),
                        BinaryPrimitives.ReadInt64BigEndian(b[4..]),
                        BinaryPrimitives.ReadInt32BigEndian(b[12..]),
                        BinaryPrimitives.ReadInt64BigEndian(b[16..])));
                position += BatchSize;
            }

            producer.LastTimestamp = lastTimestamp;
            producers.Add(producer);
        }

        return position == span.Length ? producers : null;
    }
}
