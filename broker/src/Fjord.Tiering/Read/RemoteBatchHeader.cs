using System.Buffers.Binary;

namespace Fjord.Tiering;

/// <summary>
/// The fields of a v2 record batch header the remote reader needs to walk a segment without
/// decoding records: where the batch ends, which offsets and timestamps it holds.
/// </summary>
internal readonly record struct RemoteBatchHeader(long BaseOffset, int BatchLength, short Attributes, int LastOffsetDelta, long BaseTimestamp, long MaxTimestamp, int RecordCount)
{
    /// <summary>baseOffset (8) + batchLength (4): the part of a batch its batchLength does not count.</summary>
    public const int LogOverhead = 12;

    /// <summary>The whole v2 header, up to and including the record count.</summary>
    public const int Size = 61;

    private const short CompressionMask = 0x07;
    private const short LogAppendTimeFlag = 0x08;

    public long LastOffset => BaseOffset + LastOffsetDelta;

    public long SizeInBytes => LogOverhead + (long)BatchLength;

    /// <summary>Uncompressed with producer timestamps: its records can be scanned for an exact timestamp.</summary>
    public bool HasPlainCreateTimeRecords => (Attributes & CompressionMask) == 0 && (Attributes & LogAppendTimeFlag) == 0;

    public static RemoteBatchHeader Parse(ReadOnlySpan<byte> header) => new(
        BinaryPrimitives.ReadInt64BigEndian(header),
        BinaryPrimitives.ReadInt32BigEndian(header[8..]),
        BinaryPrimitives.ReadInt16BigEndian(header[21..]),
        BinaryPrimitives.ReadInt32BigEndian(header[23..]),
        BinaryPrimitives.ReadInt64BigEndian(header[27..]),
        BinaryPrimitives.ReadInt64BigEndian(header[35..]),
        BinaryPrimitives.ReadInt32BigEndian(header[57..]));

    /// <summary>A length that cannot be a v2 batch means the bytes are not a batch boundary.</summary>
    public bool IsPlausible => BatchLength >= Size - LogOverhead && LastOffsetDelta >= 0;
}
