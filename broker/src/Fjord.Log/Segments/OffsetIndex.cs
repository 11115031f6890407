using System.Buffers.Binary;

namespace Fjord.Log.Segments;

/// <summary>
/// Kafka's sparse .index: 8-byte entries (relative offset int32, file position int32), big-endian.
/// Each entry maps the last offset of a batch to the position where that batch starts. Held in
/// memory (readers never block on the appender) and written to disk on roll, flush and close;
/// recovery rebuilds it from the log, so a stale file is never trusted past the recovery point.
/// </summary>
internal sealed class OffsetIndex(long baseOffset, int maxIndexBytes) : SparseIndex<OffsetIndex.Entry>(baseOffset, maxIndexBytes)
{
    public const int EntrySize = 8;

    /// <summary>Position of the last indexed batch at or before <paramref name="offset"/>; 0 if none.</summary>
    public int Lookup(long offset) => LastAtOrBelow<ByRelativeOffset>(offset - BaseOffset)?.Position ?? 0;

    /// <summary>
    /// The largest indexed batch start at or below <paramref name="position"/>, or 0 if none: a batch
    /// boundary found without reading the log (entries grow in position as they grow in offset).
    /// </summary>
    public long LastPositionAtOrBelow(long position) => LastAtOrBelow<ByPosition>(position)?.Position ?? 0;

    /// <summary>The last entry, or (baseOffset, 0) for an empty index.</summary>
    public (long Offset, int Position) LastEntry() =>
        Last() is { } last ? (BaseOffset + last.RelativeOffset, last.Position) : (BaseOffset, 0);

    /// <summary>Single writer (the append lock holder); an offset not above the last entry's is ignored (offsets only grow).</summary>
    public void Append(long offset, int position) => TryAppend(new Entry(checked((int)(offset - BaseOffset)), position));

    /// <summary>Kafka's sanity check: no entry points at or past the end of the log.</summary>
    public bool TryLoad(string path, long logSize) =>
        TryLoad(path, e => e.RelativeOffset >= 0 && e.Position >= 0 && e.Position < logSize);

    internal readonly record struct Entry(int RelativeOffset, int Position) : IIndexEntry<Entry>
    {
        public static int Size => EntrySize;

        public static Entry Read(ReadOnlySpan<byte> source) =>
            new(BinaryPrimitives.ReadInt32BigEndian(source), BinaryPrimitives.ReadInt32BigEndian(source[4..]));

        public void Write(Span<byte> destination)
        {
            BinaryPrimitives.WriteInt32BigEndian(destination, RelativeOffset);
            BinaryPrimitives.WriteInt32BigEndian(destination[4..], Position);
        }

        public bool Follows(Entry previous) => RelativeOffset > previous.RelativeOffset;
    }

    private readonly struct ByRelativeOffset : IIndexKey<Entry>
    {
        public static long Of(Entry entry) => entry.RelativeOffset;
    }

    private readonly struct ByPosition : IIndexKey<Entry>
    {
        public static long Of(Entry entry) => entry.Position;
    }
}
