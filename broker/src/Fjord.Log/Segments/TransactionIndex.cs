namespace Fjord.Log.Segments;

/// <summary>
/// A segment's <c>{baseOffset:D20}.txnindex</c> (Kafka's TransactionIndex): the transactions aborted by
/// markers inside the segment, in marker order. The file is created by the first abort, so a segment
/// without aborts has none (and the remote tier uploads none). The entries are also kept in memory as
/// an immutable array, replaced on every change, so fetches read them without the append lock; aborts
/// are rare, which makes the copy cheap. Written under the append lock only.
/// </summary>
internal sealed class TransactionIndex
{
    public const string Suffix = ".txnindex";

    private AbortedTxn[] _entries = [];
    private int _dirty;

    public TransactionIndex(string path)
    {
        Path = path;
    }

    public string Path { get; }

    public ReadOnlySpan<AbortedTxn> Entries => Volatile.Read(ref _entries);

    public bool IsEmpty => Volatile.Read(ref _entries).Length == 0;

    /// <summary>
    /// Reads the file left by the last run (none means no aborts). False when it cannot be trusted (an
    /// unknown entry version, a torn entry): the caller then recovers the segment, which rebuilds it.
    /// </summary>
    public bool TryLoad()
    {
        if (!File.Exists(Path))
        {
            Volatile.Write(ref _entries, []);
            return true;
        }

        var bytes = File.ReadAllBytes(Path);
        if (bytes.Length % AbortedTxn.Size != 0)
        {
            return false;
        }

        try
        {
            Volatile.Write(ref _entries, AbortedTxn.ReadAll(bytes));
            return true;
        }
        catch (CorruptRecordException)
        {
            return false;
        }
    }

    /// <summary>
    /// Appends one entry. It reaches the disk with its segment's <see cref="Flush"/> (the log's flush, before
    /// the recovery point passes the marker): a crash before that rescans the segment and rebuilds the
    /// file from the markers; a crash after it finds the entry on disk. No fsync under the append lock.
    /// </summary>
    public void Append(in AbortedTxn entry)
    {
        Span<byte> bytes = stackalloc byte[AbortedTxn.Size];
        entry.WriteTo(bytes);
        using (var handle = File.OpenHandle(Path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete))
        {
            // Entries are whole multiples of Size: overwrite a torn tail rather than append after it.
            var current = Volatile.Read(ref _entries);
            RandomAccess.Write(handle, bytes, (long)current.Length * AbortedTxn.Size);
            RandomAccess.SetLength(handle, (long)(current.Length + 1) * AbortedTxn.Size);
        }

        Volatile.Write(ref _dirty, 1);

        Volatile.Write(ref _entries, [.. Volatile.Read(ref _entries), entry]);
    }

    /// <summary>Forces appended entries to disk; nothing to do when none were appended since the last flush.</summary>
    public void Flush()
    {
        // Cleared first: an entry appended while this runs sets it again and the next flush covers it.
        if (Interlocked.Exchange(ref _dirty, 0) == 0)
        {
            return;
        }

        try
        {
            using var handle = File.OpenHandle(Path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
            RandomAccess.FlushToDisk(handle);
        }
        catch (FileNotFoundException)
        {
            // Truncated to nothing (or deleted with its segment) meanwhile: nothing left to keep.
        }
    }

    /// <summary>Kafka's TransactionIndex.truncateTo: drops the aborts whose marker is at or after <paramref name="offset"/>.</summary>
    public void TruncateTo(long offset)
    {
        var current = Volatile.Read(ref _entries);
        var keep = 0;
        while (keep < current.Length && current[keep].LastOffset < offset)
        {
            keep++;
        }

        if (keep == current.Length)
        {
            return;
        }

        Rewrite(current[..keep]);
    }

    /// <summary>Forgets every entry and deletes the file: recovery rebuilds it from the segment's markers.</summary>
    public void Reset() => Rewrite([]);

    /// <summary>Removes the file with its segment (the .deleted rename, as for the other segment files).</summary>
    public void Delete()
    {
        Volatile.Write(ref _entries, []);
        if (File.Exists(Path))
        {
            var deleted = Path + LogSegment.DeletedSuffix;
            File.Move(Path, deleted, overwrite: true);
            File.Delete(deleted);
        }
    }

    private void Rewrite(AbortedTxn[] entries)
    {
        if (entries.Length == 0)
        {
            File.Delete(Path);
        }
        else
        {
            var bytes = new byte[entries.Length * AbortedTxn.Size];
            for (var i = 0; i < entries.Length; i++)
            {
                entries[i].WriteTo(bytes.AsSpan(i * AbortedTxn.Size));
            }

            var temporary = Path + ".tmp";
            File.WriteAllBytes(temporary, bytes);
            File.Move(temporary, Path, overwrite: true);
        }

        Volatile.Write(ref _entries, entries);
    }
}
