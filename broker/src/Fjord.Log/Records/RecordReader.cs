namespace Fjord.Log.Records;

/// <summary>
/// Walks the records of an uncompressed (or already decompressed) v2 records section:
/// length varint, attributes int8, timestampDelta varlong, offsetDelta varint, key, value, headers.
/// Checks that each record's fields stay inside its declared length, without allocating.
/// </summary>
internal ref struct RecordReader
{
    private readonly ReadOnlySpan<byte> _records;
    private int _position;

    public RecordReader(ReadOnlySpan<byte> records)
    {
        _records = records;
        _position = 0;
    }

    public readonly bool AtEnd => _position == _records.Length;

    /// <summary>Reads the next record's offset and timestamp deltas; returns an error text when the framing is broken.</summary>
    public bool TryNext(out int offsetDelta, out long timestampDelta, out string? error)
    {
        offsetDelta = 0;
        timestampDelta = 0;
        if (!Varint.TryReadInt32(_records, ref _position, out var length) || length <= 0)
        {
            error = "record length varint is malformed";
            return false;
        }

        if (length > _records.Length - _position)
        {
            error = "record length runs past the end of the batch";
            return false;
        }

        var body = _records.Slice(_position, length);
        _position += length;
        var p = 1; // attributes (int8) are unused in v2
        if (body.Length < 1
            || !Varint.TryReadInt64(body, ref p, out timestampDelta)
            || !Varint.TryReadInt32(body, ref p, out offsetDelta))
        {
            error = "record header fields are malformed";
            return false;
        }

        if (!TrySkipBytes(body, ref p) || !TrySkipBytes(body, ref p))
        {
            error = "record key or value runs past the record";
            return false;
        }

        if (!Varint.TryReadInt32(body, ref p, out var headerCount) || headerCount < 0)
        {
            error = "record header count is malformed";
            return false;
        }

        for (var h = 0; h < headerCount; h++)
        {
            // Header keys are non-null strings; values may be null (-1).
            if (!Varint.TryReadInt32(body, ref p, out var keyLength) || keyLength < 0 || keyLength > body.Length - p)
            {
                error = "record header key is malformed";
                return false;
            }

            p += keyLength;
            if (!TrySkipBytes(body, ref p))
            {
                error = "record header value is malformed";
                return false;
            }
        }

        if (p != body.Length)
        {
            error = "record fields do not fill the record length";
            return false;
        }

        error = null;
        return true;
    }

    private static bool TrySkipBytes(ReadOnlySpan<byte> body, ref int p)
    {
        if (!Varint.TryReadInt32(body, ref p, out var length) || length < -1 || length > body.Length - p)
        {
            return false;
        }

        if (length > 0)
        {
            p += length;
        }

        return true;
    }
}
