using System.Buffers.Binary;
using System.IO.Hashing;
using Fjord.Log.Records;
using Fjord.Log.Tests.Support;

namespace Fjord.Log.Tests;

public class BatchValidatorTests
{
    private const int MaxMessageBytes = 1048588;

    [Fact]
    public void Crc32CMatchesTheCastagnoliCheckValue()
    {
        Assert.Equal(0xE3069283u, Crc32.HashToUInt32(Crc32ParameterSet.Crc32C, "123456789"u8));
    }

    [Fact]
    public void ValidUncompressedAndGzipBatchesPass()
    {
        var payload = RecordBatchBuilder.Concat(
            RecordBatchBuilder.Build(5, 1000),
            RecordBatchBuilder.Build(3, 2000, compression: CompressionType.Gzip));

        var summary = BatchValidator.Validate(payload, MaxMessageBytes);

        Assert.Equal(new PayloadSummary(2, 8, payload.Length), summary);
    }

    [Fact]
    public void AFlippedBitFailsTheCrc()
    {
        var batch = RecordBatchBuilder.Build(3, 1000);
        batch[^1] ^= 0x01;

        Assert.Throws<CorruptRecordException>(() => BatchValidator.Validate(batch, MaxMessageBytes));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void OldMagicIsUnsupported(byte magic)
    {
        var batch = RecordBatchBuilder.Build(1, 1000);
        batch[RecordBatch.MagicOffset] = magic;

        Assert.Throws<UnsupportedMessageFormatException>(() => BatchValidator.Validate(batch, MaxMessageBytes));
    }

    [Fact]
    public void ATruncatedBatchIsCorrupt()
    {
        var batch = RecordBatchBuilder.Build(4, 1000);

        Assert.Throws<CorruptRecordException>(() => BatchValidator.Validate(batch.AsSpan(0, batch.Length - 3), MaxMessageBytes));
        Assert.Throws<CorruptRecordException>(() => BatchValidator.Validate(batch.AsSpan(0, 10), MaxMessageBytes));
    }

    [Fact]
    public void ARecordCountThatDisagreesWithLastOffsetDeltaIsInvalid()
    {
        var batch = RecordBatchBuilder.Build(4, 1000);
        BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(RecordBatch.RecordsCountOffset), 5);
        RecordBatchBuilder.FixCrc(batch);

        Assert.Throws<InvalidRecordException>(() => BatchValidator.Validate(batch, MaxMessageBytes));
    }

    [Fact]
    public void RecordsThatDoNotMatchTheRecordCountAreInvalid()
    {
        // Header consistent (3 records, lastOffsetDelta 2) but the body holds 4 records.
        var batch = RecordBatchBuilder.Build(4, 1000);
        BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(RecordBatch.RecordsCountOffset), 3);
        BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(RecordBatch.LastOffsetDeltaOffset), 2);
        RecordBatchBuilder.FixCrc(batch);

        var error = Assert.Throws<InvalidRecordException>(() => BatchValidator.Validate(batch, MaxMessageBytes));
        Assert.Contains("bytes after", error.Message);
    }

    [Fact]
    public void AnOutOfOrderOffsetDeltaIsInvalid()
    {
        var batch = RecordBatchBuilder.Build(2, 1000);
        // First record: length varint (1 byte), attributes, timestampDelta (zigzag 0 = 1 byte), offsetDelta.
        batch[RecordBatch.HeaderSize + 3] = 4; // zigzag 2
        RecordBatchBuilder.FixCrc(batch);

        Assert.Throws<InvalidRecordException>(() => BatchValidator.Validate(batch, MaxMessageBytes));
    }

    [Fact]
    public void ABatchAboveMaxMessageBytesIsTooLarge()
    {
        var batch = RecordBatchBuilder.Build(1, 1000, valueSize: 2000);

        Assert.Throws<RecordTooLargeException>(() => BatchValidator.Validate(batch, 1000));
    }

    [Fact]
    public void AnEmptyPayloadIsInvalid()
    {
        Assert.Throws<InvalidRecordException>(() => BatchValidator.Validate([], MaxMessageBytes));
    }
}
