using System.Buffers.Binary;

namespace Fjord.Log.Records;

/// <summary>
/// The fields of a v2 batch header that producer state and log replay need, copied out of the
/// bytes so the caller may keep them past the span (a <see cref="RecordBatch"/> is a ref struct).
/// </summary>
public readonly record struct BatchHeader(
    long BaseOffset, int SizeInBytes, short Attributes, int LastOffsetDelta, long MaxTimestamp, long ProducerId, short ProducerEpoch, int BaseSequence)
{
    public bool IsTransactional => (Attributes & RecordBatch.TransactionalFlagMask) != 0;

    public bool IsControl => (Attributes & RecordBatch.ControlFlagMask) != 0;

    public long LastOffset => BaseOffset + LastOffsetDelta;

    /// <summary>Reads the header at the start of <paramref name="bytes"/>, which holds at least <see cref="RecordBatch.HeaderSize"/> bytes.</summary>
    public static BatchHeader Read(ReadOnlySpan<byte> bytes) => new(
        BinaryPrimitives.ReadInt64BigEndian(bytes[RecordBatch.BaseOffsetOffset..]),
        BinaryPrimitives.ReadInt32BigEndian(bytes[RecordBatch.BatchLengthOffset..]) + RecordBatch.LogOverhead,
        BinaryPrimitives.ReadInt16BigEndian(bytes[RecordBatch.AttributesOffset..]),
        BinaryPrimitives.ReadInt32BigEndian(bytes[RecordBatch.LastOffsetDeltaOffset..]),
        BinaryPrimitives.ReadInt64BigEndian(bytes[RecordBatch.MaxTimestampOffset..]),
        BinaryPrimitives.ReadInt64BigEndian(bytes[RecordBatch.ProducerIdOffset..]),
        BinaryPrimitives.ReadInt16BigEndian(bytes[RecordBatch.ProducerEpochOffset..]),
        BinaryPrimitives.ReadInt32BigEndian(bytes[RecordBatch.BaseSequenceOffset..]));
}
