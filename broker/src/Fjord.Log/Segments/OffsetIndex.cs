using System.Buffers.Binary;

namespace Fjord.Log.Segments;

/// <summary>
/// Kafka's sparse .index: 8-byte entries (relative offset int32, file position int32), big-endian.
/// Each entry maps the last offset of a batch to the position where that batch starts. Held in
/// memory (readers never block on the appender) and written to disk on roll, flush and close;
/// recovery rebuilds it from the log, so a stale file is never trusted past the recovery point.
/// </summary>
internal sealed class OffsetIndex
{
    public const int EntrySize = 8;

    private readonly long _baseOffset;
    private readonly int _maxEntries;
    private Entry[] _entries;
    private int _count;

    public OffsetIndex(long baseOffset, int maxIndexBytes)
    {
        _baseOffset = baseOffset;
        _maxEntries = Math.Max(1, maxIndexBytes / EntrySize);
        _entries = new Entry[16];
    }

    public int Count => Volatile.Read(ref _count);

    public bool IsFull => Count >= _maxEntries;

    /// <summary>Position of the last indexed batch at or before <paramref name="offset"/>; 0 if none.</summary>
    public int Lookup(long offset)
    {
        var count = Volatile.Read(ref _count);
        var entries = Volatile.Read(ref _entries);
        var relative = offset - _baseOffset;
        int lo = 0, hi = count - 1, found = -1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (entries[mid].RelativeOffset <= relative)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return found < 0 ? 0 : entries[found].Position;
    }

    /// <summary>
    /// The largest indexed batch start at or below <paramref name="position"/>, or 0 if none: a batch
    /// boundary found without reading the log (entries grow in position as they grow in offset).
    /// </summary>
    public long LastPositionAtOrBelow(long position)
    {
        var count = Volatile.Read(ref _count);
        var entries = Volatile.Read(ref _entries);
        int lo = 0, hi = count - 1, found = -1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (entries[mid].Position <= position)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return found < 0 ? 0 : entries[found].Position;
    }

    /// <summary>The last entry, or (baseOffset, 0) for an empty index.</summary>
    public (long Offset, int Position) LastEntry()
    {
        var count = Volatile.Read(ref _count);
        if (count == 0)
        {
            return (_baseOffset, 0);
        }

        var entry = Volatile.Read(ref _entries)[count - 1];
        return (_baseOffset + entry.RelativeOffset, entry.Position);
    }

    /// <summary>Single writer (the append lock holder). Publishes the entry after writing it.</summary>
    public void Append(long offset, int position)
    {
        var count = _count;
        if (count > 0 && _entries[count - 1].RelativeOffset >= offset - _baseOffset)
        {
            return; // offsets only grow; a duplicate would break the binary search
        }

        if (count == _entries.Length)
        {
            var grown = new Entry[_entries.Length * 2];
            _entries.AsSpan(0, count).CopyTo(grown);
            Volatile.Write(ref _entries, grown);
        }

        _entries[count] = new Entry(checked((int)(offset - _baseOffset)), position);
        Volatile.Write(ref _count, count + 1);
    }

    /// <summary>Forgets every entry; used before a rebuild.</summary>
    public void Clear() => Volatile.Write(ref _count, 0);

    public void WriteTo(string path)
    {
        var count = _count;
        var bytes = new byte[count * EntrySize];
        for (var i = 0; i < count; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(i * EntrySize), _entries[i].RelativeOffset);
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan((i * EntrySize) + 4), _entries[i].Position);
        }

        File.WriteAllBytes(path, bytes);
    }

    /// <summary>Loads an index file; false if it is missing or fails Kafka's sanity checks, so the caller rebuilds.</summary>
    public bool TryLoad(string path, long logSize)
    {
        Clear();
        if (!File.Exists(path))
        {
            return false;
        }

        var bytes = File.ReadAllBytes(path);
        if (bytes.Length % EntrySize != 0)
        {
            return false;
        }

        for (var i = 0; i < bytes.Length / EntrySize; i++)
        {
            var relative = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(i * EntrySize));
            var position = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan((i * EntrySize) + 4));
            if (relative < 0 || position < 0 || position >= logSize || (_count > 0 && relative <= _entries[_count - 1].RelativeOffset))
            {
                Clear();
                return false;
            }

            Append(_baseOffset + relative, position);
        }

        return true;
    }

    private readonly record struct Entry(int RelativeOffset, int Position);
}
