using System.Globalization;
using System.Text;

namespace Fjord.Log.Checkpoints;

/// <summary>
/// Kafka's leader-epoch-checkpoint (LeaderEpochFileCache): "0" version line, entry count, then
/// "epoch startOffset" lines. Each entry says the leader of <c>epoch</c> wrote its first batch at
/// <c>startOffset</c>; followers truncate by it (OffsetForLeaderEpoch).
/// </summary>
public sealed class LeaderEpochCheckpoint
{
    public const string FileName = "leader-epoch-checkpoint";

    private readonly string _path;
    private readonly List<EpochEntry> _entries = [];
    private readonly Lock _lock = new();

    private LeaderEpochCheckpoint(string path)
    {
        _path = path;
    }

    public static LeaderEpochCheckpoint Load(string directory)
    {
        var checkpoint = new LeaderEpochCheckpoint(Path.Combine(directory, FileName));
        if (File.Exists(checkpoint._path))
        {
            var lines = File.ReadAllLines(checkpoint._path);
            if (lines.Length < 2 || lines[0].Trim() != "0" || !int.TryParse(lines[1], CultureInfo.InvariantCulture, out var count) || lines.Length < 2 + count)
            {
                throw new LogStorageException($"malformed {checkpoint._path}");
            }

            for (var i = 0; i < count; i++)
            {
                var parts = lines[2 + i].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length != 2
                    || !int.TryParse(parts[0], CultureInfo.InvariantCulture, out var epoch)
                    || !long.TryParse(parts[1], CultureInfo.InvariantCulture, out var startOffset))
                {
                    throw new LogStorageException($"malformed line {i + 3} of {checkpoint._path}");
                }

                checkpoint._entries.Add(new EpochEntry(epoch, startOffset));
            }
        }

        return checkpoint;
    }

    /// <summary>The latest epoch, or -1 when no leader has written yet.</summary>
    public int LatestEpoch
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count == 0 ? -1 : _entries[^1].Epoch;
            }
        }
    }

    public IReadOnlyList<EpochEntry> Entries
    {
        get
        {
            lock (_lock)
            {
                return [.. _entries];
            }
        }
    }

    /// <summary>Records that <paramref name="epoch"/> starts at <paramref name="startOffset"/>; older or equal epochs are ignored.</summary>
    public void Assign(int epoch, long startOffset)
    {
        lock (_lock)
        {
            if (_entries.Count > 0 && _entries[^1].Epoch >= epoch)
            {
                return;
            }

            _entries.Add(new EpochEntry(epoch, startOffset));
            Write();
        }
    }

    /// <summary>
    /// Kafka's endOffsetForEpoch: the start offset of the first epoch above <paramref name="epoch"/>
    /// (or the log end offset when <paramref name="epoch"/> is the latest), with the largest known epoch ≤ it.
    /// Returns (-1, -1) when the epoch predates every entry.
    /// </summary>
    public (int Epoch, long EndOffset) EndOffsetForEpoch(int epoch, long logEndOffset)
    {
        lock (_lock)
        {
            return EndOffsetFor(_entries, epoch, logEndOffset);
        }
    }

    /// <summary>
    /// Kafka's LeaderEpochFileCache.endOffsetFor over <paramref name="entries"/> (ascending epochs):
    /// UNDEFINED_EPOCH asked → (-1, -1); the latest epoch → (it, log end offset); an epoch above every
    /// known one → (-1, -1), the asker is ahead of this log; one below every known one → (the asked
    /// epoch, start of the first known epoch); otherwise (largest known epoch ≤ asked, start of the next).
    /// </summary>
    public static (int Epoch, long EndOffset) EndOffsetFor(IReadOnlyList<EpochEntry> entries, int requestedEpoch, long logEndOffset)
    {
        const int undefinedEpoch = -1;
        if (requestedEpoch == undefinedEpoch || entries.Count == 0) return (undefinedEpoch, -1);
        if (entries[^1].Epoch == requestedEpoch) return (requestedEpoch, logEndOffset);
        var higher = 0;
        while (higher < entries.Count && entries[higher].Epoch <= requestedEpoch) higher++;
        if (higher == entries.Count) return (undefinedEpoch, -1);
        var next = entries[higher].StartOffset;
        return higher == 0 ? (requestedEpoch, next) : (entries[higher - 1].Epoch, next);
    }

    /// <summary>Drops entries starting at or after <paramref name="endOffset"/> (the log was truncated there).</summary>
    public void TruncateFromEnd(long endOffset)
    {
        lock (_lock)
        {
            var before = _entries.Count;
            _entries.RemoveAll(e => e.StartOffset >= endOffset);
            if (_entries.Count != before)
            {
                Write();
            }
        }
    }

    /// <summary>
    /// Kafka's truncateFromStart: once the log starts at <paramref name="startOffset"/>, epochs that ended
    /// before it are dropped and the epoch covering it is moved up to start there.
    /// </summary>
    public void TruncateFromStart(long startOffset)
    {
        lock (_lock)
        {
            var covering = _entries.FindLastIndex(e => e.StartOffset <= startOffset);
            if (covering < 0 || (covering == 0 && _entries[0].StartOffset == startOffset))
            {
                return;
            }

            var epoch = _entries[covering].Epoch;
            _entries.RemoveRange(0, covering + 1);
            _entries.Insert(0, new EpochEntry(epoch, startOffset));
            Write();
        }
    }

    /// <summary>Forgets every entry (the log was emptied and restarted at a new offset).</summary>
    public void Clear()
    {
        lock (_lock)
        {
            _entries.Clear();
            Write();
        }
    }

    private void Write()
    {
        var text = new StringBuilder();
        text.Append("0\n").Append(_entries.Count.ToString(CultureInfo.InvariantCulture)).Append('\n');
        foreach (var entry in _entries)
        {
            text.Append(entry.Epoch.ToString(CultureInfo.InvariantCulture)).Append(' ')
                .Append(entry.StartOffset.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        CheckpointFile.WriteAtomically(_path, text.ToString());
    }
}
