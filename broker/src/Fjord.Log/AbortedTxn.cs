using System.Buffers.Binary;

namespace Fjord.Log;

/// <summary>
/// One entry of a segment's transaction index (Kafka's AbortedTxn): a transaction of
/// <see cref="ProducerId"/> from <see cref="FirstOffset"/> to its abort marker at <see cref="LastOffset"/>;
/// <see cref="LastStableOffset"/> is the partition's LSO once the abort was written, which lets a
/// search stop early (no later entry can concern offsets below it). On disk, big-endian:
/// <c>version int16 (0) | producerId int64 | firstOffset int64 | lastOffset int64 | lastStableOffset int64</c>.
/// </summary>
public readonly record struct AbortedTxn(long ProducerId, long FirstOffset, long LastOffset, long LastStableOffset)
{
    public const int Size = 34;

    private const short CurrentVersion = 0;

    public AbortedTransaction ToAbortedTransaction() => new(ProducerId, FirstOffset);

    public void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteInt16BigEndian(destination, CurrentVersion);
        BinaryPrimitives.WriteInt64BigEndian(destination[2..], ProducerId);
        BinaryPrimitives.WriteInt64BigEndian(destination[10..], FirstOffset);
        BinaryPrimitives.WriteInt64BigEndian(destination[18..], LastOffset);
        BinaryPrimitives.WriteInt64BigEndian(destination[26..], LastStableOffset);
    }

    /// <summary>
    /// Parses a whole transaction index file. A trailing partial entry (a write torn by a crash) is
    /// ignored; an entry of an unknown version throws, as Kafka's TransactionIndex does.
    /// </summary>
    public static AbortedTxn[] ReadAll(ReadOnlySpan<byte> bytes)
    {
        var entries = new AbortedTxn[bytes.Length / Size];
        for (var i = 0; i < entries.Length; i++)
        {
            var entry = bytes.Slice(i * Size, Size);
            var version = BinaryPrimitives.ReadInt16BigEndian(entry);
            if (version != CurrentVersion)
            {
                throw new CorruptRecordException($"transaction index entry {i} has version {version}; only {CurrentVersion} is known");
            }

            entries[i] = new AbortedTxn(
                BinaryPrimitives.ReadInt64BigEndian(entry[2..]),
                BinaryPrimitives.ReadInt64BigEndian(entry[10..]),
                BinaryPrimitives.ReadInt64BigEndian(entry[18..]),
                BinaryPrimitives.ReadInt64BigEndian(entry[26..]));
        }

        return entries;
    }

    /// <summary>
    /// Kafka's TransactionIndex.collectAbortedTxns over one segment's entries: adds those whose
    /// transaction overlaps [<paramref name="fetchOffset"/>, <paramref name="upperBoundOffset"/>) to
    /// <paramref name="into"/> (created on the first match, so a fetch without aborts allocates nothing).
    /// Returns true when the search is complete: an entry's LSO reached the upper bound, so no later
    /// segment can hold an abort of a transaction that started below it.
    /// </summary>
    public static bool Collect(ReadOnlySpan<AbortedTxn> entries, long fetchOffset, long upperBoundOffset, ref List<AbortedTransaction>? into)
    {
        foreach (var entry in entries)
        {
            if (entry.LastOffset >= fetchOffset && entry.FirstOffset < upperBoundOffset)
            {
                (into ??= []).Add(entry.ToAbortedTransaction());
            }

            if (entry.LastStableOffset >= upperBoundOffset)
            {
                return true;
            }
        }

        return false;
    }
}
