using System.Buffers.Binary;

namespace Fjord.Log.Records;

/// <summary>
/// A transaction marker (Kafka's EndTransactionMarker): the single control record of a control batch
/// that a transaction coordinator writes to end a producer's transaction at one partition. The key is
/// <c>version int16 (0) | type int16</c>; the value, opaque to clients, is
/// <c>version int16 (0) | coordinatorEpoch int32</c>. The batch is transactional and control,
/// uncompressed, with base sequence -1: markers take no part in the producer's sequence numbers.
/// </summary>
public readonly record struct TransactionMarker(ControlRecordType Type, int CoordinatorEpoch)
{
    /// <summary>Bytes of a marker batch: the batch header plus the one 17-byte record built here.</summary>
    public const int BatchSize = RecordBatch.HeaderSize + RecordSize;

    private const short CurrentVersion = 0;
    private const int KeySize = 4;
    private const int ValueSize = 6;

    // attributes, timestampDelta, offsetDelta, keyLength, key, valueLength, value, headersCount:
    // every varint here is a small value that fits one byte.
    private const int RecordBodySize = 1 + 1 + 1 + 1 + KeySize + 1 + ValueSize + 1;
    private const int RecordSize = 1 + RecordBodySize;

    public bool IsCommit => Type == ControlRecordType.Commit;

    /// <summary>A whole marker batch (base offset 0, leader epoch -1: the log assigns both on append).</summary>
    public static byte[] Build(long producerId, short producerEpoch, int coordinatorEpoch, bool commit, long timestampMs)
    {
        var bytes = new byte[BatchSize];
        Write(bytes, producerId, producerEpoch, coordinatorEpoch, commit, timestampMs);
        return bytes;
    }

    /// <summary>Writes a marker batch into the first <see cref="BatchSize"/> bytes of <paramref name="destination"/>.</summary>
    public static void Write(Span<byte> destination, long producerId, short producerEpoch, int coordinatorEpoch, bool commit, long timestampMs)
    {
        var batch = destination[..BatchSize];
        batch.Clear();
        BinaryPrimitives.WriteInt64BigEndian(batch[RecordBatch.BaseOffsetOffset..], 0);
        BinaryPrimitives.WriteInt32BigEndian(batch[RecordBatch.BatchLengthOffset..], BatchSize - RecordBatch.LogOverhead);
        BinaryPrimitives.WriteInt32BigEndian(batch[RecordBatch.PartitionLeaderEpochOffset..], -1);
        batch[RecordBatch.MagicOffset] = RecordBatch.CurrentMagic;
        BinaryPrimitives.WriteInt16BigEndian(batch[RecordBatch.AttributesOffset..], RecordBatch.TransactionalFlagMask | RecordBatch.ControlFlagMask);
        BinaryPrimitives.WriteInt32BigEndian(batch[RecordBatch.LastOffsetDeltaOffset..], 0);
        BinaryPrimitives.WriteInt64BigEndian(batch[RecordBatch.BaseTimestampOffset..], timestampMs);
        BinaryPrimitives.WriteInt64BigEndian(batch[RecordBatch.MaxTimestampOffset..], timestampMs);
        BinaryPrimitives.WriteInt64BigEndian(batch[RecordBatch.ProducerIdOffset..], producerId);
        BinaryPrimitives.WriteInt16BigEndian(batch[RecordBatch.ProducerEpochOffset..], producerEpoch);
        BinaryPrimitives.WriteInt32BigEndian(batch[RecordBatch.BaseSequenceOffset..], -1);
        BinaryPrimitives.WriteInt32BigEndian(batch[RecordBatch.RecordsCountOffset..], 1);

        var record = batch[RecordBatch.HeaderSize..];
        record[0] = ZigZag(RecordBodySize);
        record[1] = 0; // attributes
        record[2] = 0; // timestampDelta
        record[3] = 0; // offsetDelta
        record[4] = ZigZag(KeySize);
        BinaryPrimitives.WriteInt16BigEndian(record[5..], CurrentVersion);
        BinaryPrimitives.WriteInt16BigEndian(record[7..], (short)(commit ? ControlRecordType.Commit : ControlRecordType.Abort));
        record[9] = ZigZag(ValueSize);
        BinaryPrimitives.WriteInt16BigEndian(record[10..], CurrentVersion);
        BinaryPrimitives.WriteInt32BigEndian(record[12..], coordinatorEpoch);
        record[16] = 0; // headersCount

        BinaryPrimitives.WriteUInt32BigEndian(batch[RecordBatch.CrcOffset..], new RecordBatch(batch).ComputeCrc());
    }

    /// <summary>
    /// Reads the marker of a control batch (<paramref name="batch"/> starts at the batch and holds all of
    /// it). Only the first record counts, as in Kafka. Throws <see cref="InvalidRecordException"/> when the
    /// batch is not an uncompressed control batch whose first record has an abort or commit key and a
    /// value of at least version and coordinator epoch.
    /// </summary>
    public static TransactionMarker Read(ReadOnlySpan<byte> batch)
    {
        if (!TryRead(batch, out var marker))
        {
            throw new InvalidRecordException("control batch does not hold a readable transaction marker");
        }

        return marker;
    }

    public static bool TryRead(ReadOnlySpan<byte> batch, out TransactionMarker marker)
    {
        marker = default;
        if (batch.Length < RecordBatch.HeaderSize)
        {
            return false;
        }

        var attributes = BinaryPrimitives.ReadInt16BigEndian(batch[RecordBatch.AttributesOffset..]);
        var size = RecordBatch.LogOverhead + BinaryPrimitives.ReadInt32BigEndian(batch[RecordBatch.BatchLengthOffset..]);
        if ((attributes & RecordBatch.ControlFlagMask) == 0
            || (attributes & RecordBatch.CompressionCodecMask) != 0
            || size > batch.Length
            || size < RecordBatch.HeaderSize)
        {
            return false;
        }

        var records = batch[RecordBatch.HeaderSize..size];
        var position = 0;
        if (!Varint.TryReadInt32(records, ref position, out _)
            || position >= records.Length)
        {
            return false;
        }

        position++; // attributes
        if (!Varint.TryReadInt64(records, ref position, out _)
            || !Varint.TryReadInt32(records, ref position, out _)
            || !Varint.TryReadInt32(records, ref position, out var keyLength)
            || keyLength < KeySize
            || position + keyLength > records.Length)
        {
            return false;
        }

        var key = records.Slice(position, keyLength);
        position += keyLength;
        var version = BinaryPrimitives.ReadInt16BigEndian(key);
        var type = BinaryPrimitives.ReadInt16BigEndian(key[2..]);
        // Kafka parses a key of an unknown (newer) version as version 0; only a negative one is corrupt.
        if (version < 0
            || type is not ((short)ControlRecordType.Abort or (short)ControlRecordType.Commit)
            || !Varint.TryReadInt32(records, ref position, out var valueLength)
            || valueLength < ValueSize
            || position + valueLength > records.Length)
        {
            return false;
        }

        // Kafka reads the value's version but accepts newer ones: the fields it knows come first.
        var coordinatorEpoch = BinaryPrimitives.ReadInt32BigEndian(records[(position + 2)..]);
        marker = new TransactionMarker((ControlRecordType)type, coordinatorEpoch);
        return true;
    }

    private static byte ZigZag(int small) => (byte)(small << 1);
}
