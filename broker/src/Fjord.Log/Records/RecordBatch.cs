using System.Buffers.Binary;
using System.IO.Hashing;

namespace Fjord.Log.Records;

/// <summary>
/// A view over one magic-v2 record batch (implementation.html, "Record Batch"). All fields are
/// big-endian. The CRC-32C covers attributes..end, so the broker may rewrite BaseOffset and
/// PartitionLeaderEpoch without touching it.
/// </summary>
public readonly ref struct RecordBatch
{
    public const int BaseOffsetOffset = 0;
    public const int BatchLengthOffset = 8;
    /// <summary>baseOffset + batchLength: the part of the batch that batchLength does not count.</summary>
    public const int LogOverhead = 12;
    public const int PartitionLeaderEpochOffset = 12;
    public const int MagicOffset = 16;
    public const int CrcOffset = 17;
    public const int AttributesOffset = 21;
    public const int LastOffsetDeltaOffset = 23;
    public const int BaseTimestampOffset = 27;
    public const int MaxTimestampOffset = 35;
    public const int ProducerIdOffset = 43;
    public const int ProducerEpochOffset = 51;
    public const int BaseSequenceOffset = 53;
    public const int RecordsCountOffset = 57;
    public const int HeaderSize = 61;
    public const byte CurrentMagic = 2;

    public const short CompressionCodecMask = 0x07;
    public const short TimestampTypeMask = 0x08;
    public const short TransactionalFlagMask = 0x10;
    public const short ControlFlagMask = 0x20;

    private readonly Span<byte> _bytes;

    /// <summary>Wraps a span that starts at a batch and holds at least <see cref="HeaderSize"/> bytes.</summary>
    public RecordBatch(Span<byte> bytes)
    {
        _bytes = bytes;
    }

    public Span<byte> Bytes => _bytes;

    public long BaseOffset
    {
        get => BinaryPrimitives.ReadInt64BigEndian(_bytes[BaseOffsetOffset..]);
        set => BinaryPrimitives.WriteInt64BigEndian(_bytes[BaseOffsetOffset..], value);
    }

    public int BatchLength => BinaryPrimitives.ReadInt32BigEndian(_bytes[BatchLengthOffset..]);

    /// <summary>The whole batch on disk: the log overhead plus batchLength.</summary>
    public int SizeInBytes => LogOverhead + BatchLength;

    public int PartitionLeaderEpoch
    {
        get => BinaryPrimitives.ReadInt32BigEndian(_bytes[PartitionLeaderEpochOffset..]);
        set => BinaryPrimitives.WriteInt32BigEndian(_bytes[PartitionLeaderEpochOffset..], value);
    }

    public byte Magic => _bytes[MagicOffset];

    public uint Crc => BinaryPrimitives.ReadUInt32BigEndian(_bytes[CrcOffset..]);

    public short Attributes => BinaryPrimitives.ReadInt16BigEndian(_bytes[AttributesOffset..]);

    public CompressionType Compression => (CompressionType)(Attributes & CompressionCodecMask);

    public TimestampType TimestampType =>
        (Attributes & TimestampTypeMask) != 0 ? TimestampType.LogAppendTime : TimestampType.CreateTime;

    public bool IsTransactional => (Attributes & TransactionalFlagMask) != 0;

    public bool IsControl => (Attributes & ControlFlagMask) != 0;

    public int LastOffsetDelta => BinaryPrimitives.ReadInt32BigEndian(_bytes[LastOffsetDeltaOffset..]);

    public long LastOffset => BaseOffset + LastOffsetDelta;

    public long NextOffset => LastOffset + 1;

    public long BaseTimestamp => BinaryPrimitives.ReadInt64BigEndian(_bytes[BaseTimestampOffset..]);

    public long MaxTimestamp => BinaryPrimitives.ReadInt64BigEndian(_bytes[MaxTimestampOffset..]);

    public long ProducerId => BinaryPrimitives.ReadInt64BigEndian(_bytes[ProducerIdOffset..]);

    public short ProducerEpoch => BinaryPrimitives.ReadInt16BigEndian(_bytes[ProducerEpochOffset..]);

    public int BaseSequence => BinaryPrimitives.ReadInt32BigEndian(_bytes[BaseSequenceOffset..]);

    public int RecordsCount => BinaryPrimitives.ReadInt32BigEndian(_bytes[RecordsCountOffset..]);

    /// <summary>The encoded records (possibly compressed). Requires the whole batch in the span.</summary>
    public Span<byte> Records => _bytes[HeaderSize..SizeInBytes];

    /// <summary>CRC-32C (Castagnoli) over attributes..end, as the v2 format defines it.</summary>
    public uint ComputeCrc() =>
        Crc32.HashToUInt32(Crc32ParameterSet.Crc32C, _bytes[AttributesOffset..SizeInBytes]);

    public bool IsCrcValid() => ComputeCrc() == Crc;

    /// <summary>
    /// Kafka's DefaultRecordBatch.setMaxTimestamp: stamps the timestamp type and maxTimestamp and
    /// recomputes the CRC, because both fields sit inside the checksummed range.
    /// </summary>
    public void SetMaxTimestamp(TimestampType type, long maxTimestamp)
    {
        var attributes = (short)(Attributes & ~TimestampTypeMask);
        if (type == TimestampType.LogAppendTime)
        {
            attributes |= TimestampTypeMask;
        }

        BinaryPrimitives.WriteInt16BigEndian(_bytes[AttributesOffset..], attributes);
        BinaryPrimitives.WriteInt64BigEndian(_bytes[MaxTimestampOffset..], maxTimestamp);
        BinaryPrimitives.WriteUInt32BigEndian(_bytes[CrcOffset..], ComputeCrc());
    }
}
