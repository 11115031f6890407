namespace Fjord.Log.Segments;

/// <summary>
/// What Kafka's two sparse indexes share: fixed-size big-endian entries kept in memory in ascending
/// order, published to lock-free readers (count written after the entry), bounded by
/// segment.index.bytes, written whole to disk and loaded back with a sanity check. Readers never block
/// the single appender; a grown array is published before the count that covers it.
/// </summary>
internal abstract class SparseIndex<TEntry>
    where TEntry : struct, IIndexEntry<TEntry>
{
    private readonly int _maxEntries;
    private TEntry[] _entries = new TEntry[16];
    private int _count;

    protected SparseIndex(long baseOffset, int maxIndexBytes)
    {
        BaseOffset = baseOffset;
        _maxEntries = Math.Max(1, maxIndexBytes / TEntry.Size);
    }

    protected long BaseOffset { get; }

    public int Count => Volatile.Read(ref _count);

    public bool IsFull => Count >= _maxEntries;

    /// <summary>Forgets every entry; used before a rebuild.</summary>
    public void Clear() => Volatile.Write(ref _count, 0);

    public void WriteTo(string path)
    {
        var count = _count;
        var bytes = new byte[count * TEntry.Size];
        for (var i = 0; i < count; i++)
        {
            _entries[i].Write(bytes.AsSpan(i * TEntry.Size, TEntry.Size));
        }

        File.WriteAllBytes(path, bytes);
    }

    /// <summary>Loads an index file; false if it is missing or fails Kafka's sanity checks, so the caller rebuilds.</summary>
    protected bool TryLoad(string path, Func<TEntry, bool> isValid)
    {
        Clear();
        if (!File.Exists(path))
        {
            return false;
        }

        var bytes = File.ReadAllBytes(path);
        if (bytes.Length % TEntry.Size != 0)
        {
            return false;
        }

        for (var i = 0; i < bytes.Length / TEntry.Size; i++)
        {
            var entry = TEntry.Read(bytes.AsSpan(i * TEntry.Size, TEntry.Size));
            if (!isValid(entry) || !TryAppend(entry))
            {
                Clear();
                return false;
            }
        }

        return true;
    }

    /// <summary>Single writer (the append lock holder). False, and nothing added, unless the entry follows the last one.</summary>
    protected bool TryAppend(TEntry entry)
    {
        var count = _count;
        if (count > 0 && !entry.Follows(_entries[count - 1]))
        {
            return false;
        }

        if (count == _entries.Length)
        {
            var grown = new TEntry[_entries.Length * 2];
            _entries.AsSpan(0, count).CopyTo(grown);
            Volatile.Write(ref _entries, grown);
        }

        _entries[count] = entry;
        Volatile.Write(ref _count, count + 1);
        return true;
    }

    /// <summary>The last entry, if any.</summary>
    protected TEntry? Last()
    {
        var count = Volatile.Read(ref _count);
        return count == 0 ? null : Volatile.Read(ref _entries)[count - 1];
    }

    /// <summary>The last entry whose <typeparamref name="TKey"/> is at most <paramref name="value"/>, if any (binary search).</summary>
    protected TEntry? LastAtOrBelow<TKey>(long value)
        where TKey : IIndexKey<TEntry>
    {
        var count = Volatile.Read(ref _count);
        var entries = Volatile.Read(ref _entries);
        int lo = 0, hi = count - 1, found = -1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (TKey.Of(entries[mid]) <= value)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return found < 0 ? null : entries[found];
    }
}
