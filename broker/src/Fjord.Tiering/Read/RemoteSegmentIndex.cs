using System.Buffers.Binary;

namespace Fjord.Tiering;

/// <summary>
/// One downloaded index of a remote segment, in Kafka's file format: the .index (8-byte entries,
/// relative offset int32 then position int32) or the .timeindex (12-byte entries, timestamp int64
/// then relative offset int32), big-endian. Only the prefix of entries that passes Kafka's sanity
/// checks is used, so a damaged index costs a longer scan, never a wrong answer.
/// </summary>
internal sealed class RemoteSegmentIndex
{
    public const int OffsetEntrySize = 8;
    public const int TimeEntrySize = 12;

    private readonly byte[] _bytes;
    private readonly int _entrySize;
    private readonly long _baseOffset;

    private RemoteSegmentIndex(byte[] bytes, int entrySize, int count, long baseOffset)
    {
        _bytes = bytes;
        _entrySize = entrySize;
        Count = count;
        _baseOffset = baseOffset;
    }

    public int Count { get; }

    public int SizeInBytes => _bytes.Length;

    public static RemoteSegmentIndex ParseOffsetIndex(byte[] bytes, RemoteSegmentMetadata segment)
    {
        var count = 0;
        var previous = -1;
        for (var i = 0; i < bytes.Length / OffsetEntrySize; i++, count++)
        {
            var relative = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(i * OffsetEntrySize));
            var position = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan((i * OffsetEntrySize) + 4));
            if (relative <= previous || position < 0 || position >= segment.SizeInBytes)
                break;
            previous = relative;
        }

        return new RemoteSegmentIndex(bytes, OffsetEntrySize, count, segment.BaseOffset);
    }

    public static RemoteSegmentIndex ParseTimeIndex(byte[] bytes, RemoteSegmentMetadata segment)
    {
        var count = 0;
        var previous = long.MinValue;
        for (var i = 0; i < bytes.Length / TimeEntrySize; i++, count++)
        {
            var timestamp = BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(i * TimeEntrySize));
            var relative = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan((i * TimeEntrySize) + 8));
            if (timestamp <= previous || relative < 0 || segment.BaseOffset + relative > segment.EndOffset)
                break;
            previous = timestamp;
        }

        return new RemoteSegmentIndex(bytes, TimeEntrySize, count, segment.BaseOffset);
    }

    /// <summary>Offset index: the position of the last indexed batch whose last offset is at most <paramref name="offset"/>; 0 if none.</summary>
    public long LookupPosition(long offset)
    {
        var relative = offset - _baseOffset;
        var found = FindLast(i => BinaryPrimitives.ReadInt32BigEndian(Entry(i)) <= relative);
        return found < 0 ? 0 : BinaryPrimitives.ReadInt32BigEndian(Entry(found)[4..]);
    }

    /// <summary>
    /// Time index: the offset of the last entry whose timestamp is at most <paramref name="timestamp"/>,
    /// or the base offset. Every batch before that offset has a smaller timestamp, so a scan may start there.
    /// </summary>
    public long LookupOffset(long timestamp)
    {
        var found = FindLast(i => BinaryPrimitives.ReadInt64BigEndian(Entry(i)) <= timestamp);
        return found < 0 ? _baseOffset : _baseOffset + BinaryPrimitives.ReadInt32BigEndian(Entry(found)[8..]);
    }

    private ReadOnlySpan<byte> Entry(int index) => _bytes.AsSpan(index * _entrySize, _entrySize);

    // Entries are sorted by the searched key, so the matching ones form a prefix.
    private int FindLast(Func<int, bool> matches)
    {
        int lo = 0, hi = Count - 1, found = -1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (matches(mid))
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return found;
    }
}
