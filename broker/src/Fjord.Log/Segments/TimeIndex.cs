using System.Buffers.Binary;

namespace Fjord.Log.Segments;

/// <summary>
/// Kafka's sparse .timeindex: 12-byte entries (timestamp int64, relative offset int32), big-endian.
/// Timestamps strictly increase: an entry is added only when a batch raises the segment's max
/// timestamp, and the entry names the batch holding that max (Kafka's shallow offset of max timestamp).
/// </summary>
internal sealed class TimeIndex
{
    public const int EntrySize = 12;

    private readonly long _baseOffset;
    private readonly int _maxEntries;
    private Entry[] _entries;
    private int _count;

    public TimeIndex(long baseOffset, int maxIndexBytes)
    {
        _baseOffset = baseOffset;
        _maxEntries = Math.Max(1, maxIndexBytes / EntrySize);
        _entries = new Entry[16];
    }

    public int Count => Volatile.Read(ref _count);

    public bool IsFull => Count >= _maxEntries;

    /// <summary>The offset of the last entry whose timestamp is at most <paramref name="timestamp"/>, or the base offset.</summary>
    public long Lookup(long timestamp)
    {
        var count = Volatile.Read(ref _count);
        var entries = Volatile.Read(ref _entries);
        int lo = 0, hi = count - 1, found = -1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (entries[mid].Timestamp <= timestamp)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return found < 0 ? _baseOffset : _baseOffset + entries[found].RelativeOffset;
    }

    public (long Timestamp, long Offset)? LastEntry()
    {
        var count = Volatile.Read(ref _count);
        if (count == 0)
        {
            return null;
        }

        var entry = Volatile.Read(ref _entries)[count - 1];
        return (entry.Timestamp, _baseOffset + entry.RelativeOffset);
    }

    public void MaybeAppend(long timestamp, long offset)
    {
        var count = _count;
        if (count > 0 && _entries[count - 1].Timestamp >= timestamp)
        {
            return;
        }

        if (count == _entries.Length)
        {
            var grown = new Entry[_entries.Length * 2];
            _entries.AsSpan(0, count).CopyTo(grown);
            Volatile.Write(ref _entries, grown);
        }

        _entries[count] = new Entry(timestamp, checked((int)(offset - _baseOffset)));
        Volatile.Write(ref _count, count + 1);
    }

    public void Clear() => Volatile.Write(ref _count, 0);

    public void WriteTo(string path)
    {
        var count = _count;
        var bytes = new byte[count * EntrySize];
        for (var i = 0; i < count; i++)
        {
            BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(i * EntrySize), _entries[i].Timestamp);
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan((i * EntrySize) + 8), _entries[i].RelativeOffset);
        }

        File.WriteAllBytes(path, bytes);
    }

    public bool TryLoad(string path)
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
            var timestamp = BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(i * EntrySize));
            var relative = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan((i * EntrySize) + 8));
            if (relative < 0 || (_count > 0 && timestamp <= _entries[_count - 1].Timestamp))
            {
                Clear();
                return false;
            }

            MaybeAppend(timestamp, _baseOffset + relative);
        }

        return true;
    }

    private readonly record struct Entry(long Timestamp, int RelativeOffset);
}
