using System.Buffers.Binary;

namespace Fjord.Log.Segments;

/// <summary>
/// Kafka's sparse .timeindex: 12-byte entries (timestamp int64, relative offset int32), big-endian.
/// Timestamps strictly increase: an entry is added only when a batch raises the segment's max
/// timestamp, and the entry names the batch holding that max (Kafka's shallow offset of max timestamp).
/// </summary>
internal sealed class TimeIndex(long baseOffset, int maxIndexBytes) : SparseIndex<TimeIndex.Entry>(baseOffset, maxIndexBytes)
{
    public const int EntrySize = 12;

    /// <summary>The offset of the last entry whose timestamp is at most <paramref name="timestamp"/>, or the base offset.</summary>
    public long Lookup(long timestamp) => BaseOffset + (LastAtOrBelow<ByTimestamp>(timestamp)?.RelativeOffset ?? 0);

    public (long Timestamp, long Offset)? LastEntry() =>
        Last() is { } last ? (last.Timestamp, BaseOffset + last.RelativeOffset) : null;

    /// <summary>Adds an entry when <paramref name="timestamp"/> raises the segment's max; otherwise nothing.</summary>
    public void MaybeAppend(long timestamp, long offset) => TryAppend(new Entry(timestamp, checked((int)(offset - BaseOffset))));

    public bool TryLoad(string path) => TryLoad(path, e => e.RelativeOffset >= 0);

    internal readonly record struct Entry(long Timestamp, int RelativeOffset) : IIndexEntry<Entry>
    {
        public static int Size => EntrySize;

        public static Entry Read(ReadOnlySpan<byte> source) =>
            new(BinaryPrimitives.ReadInt64BigEndian(source), BinaryPrimitives.ReadInt32BigEndian(source[8..]));

        public void Write(Span<byte> destination)
        {
            BinaryPrimitives.WriteInt64BigEndian(destination, Timestamp);
            BinaryPrimitives.WriteInt32BigEndian(destination[8..], RelativeOffset);
        }

        public bool Follows(Entry previous) => Timestamp > previous.Timestamp;
    }

    private readonly struct ByTimestamp : IIndexKey<Entry>
    {
        public static long Of(Entry entry) => entry.Timestamp;
    }
}
