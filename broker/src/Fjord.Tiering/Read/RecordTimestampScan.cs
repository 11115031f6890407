using Fjord.Log.Records;

namespace Fjord.Tiering;

/// <summary>
/// Walks the records of one uncompressed v2 batch for the first timestamp at or after a target.
/// Each record starts with its length, attributes, timestamp delta and offset delta (zig-zag
/// varints), so the rest of the record is skipped unread.
/// </summary>
internal static class RecordTimestampScan
{
    /// <summary>The offset of the first record at or after <paramref name="timestamp"/>; null if the bytes do not parse or none qualifies.</summary>
    public static long? FirstOffsetAtOrAfter(ReadOnlySpan<byte> batchBytes, RemoteBatchHeader batch, long timestamp)
    {
        var position = RemoteBatchHeader.Size;
        for (var i = 0; i < batch.RecordCount; i++)
        {
            if (!Varint.TryReadInt64(batchBytes, ref position, out var length) || length < 0)
                return null;
            var next = position + length;
            position++; // record attributes: unused
            if (next > batchBytes.Length
                || !Varint.TryReadInt64(batchBytes, ref position, out var timestampDelta)
                || !Varint.TryReadInt64(batchBytes, ref position, out var offsetDelta))
            {
                return null;
            }

            if (batch.BaseTimestamp + timestampDelta >= timestamp)
                return batch.BaseOffset + offsetDelta;
            position = (int)next;
        }

        return null;
    }
}
