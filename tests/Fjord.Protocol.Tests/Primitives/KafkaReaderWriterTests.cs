using Fjord.Protocol.Tests.Support;

namespace Fjord.Protocol.Tests.Primitives;

public sealed class KafkaReaderWriterTests
{
    [Fact]
    public void FixedWidthIntegersAreBigEndian()
    {
        using var buffer = new PooledBufferWriter();
        var writer = new KafkaWriter(buffer);
        writer.WriteInt8(-2);
        writer.WriteInt16(0x0102);
        writer.WriteUInt16(0xFFFE);
        writer.WriteInt32(0x01020304);
        writer.WriteUInt32(0xFFFFFFFE);
        writer.WriteInt64(0x0102030405060708);
        writer.WriteBoolean(true);
        writer.WriteFloat64(1.5);

        Assert.Equal("FE" + "0102" + "FFFE" + "01020304" + "FFFFFFFE" + "0102030405060708" + "01" + "3FF8000000000000", Codec.Hex(buffer.WrittenSpan));
        Assert.Equal(buffer.WrittenCount, writer.BytesWritten);

        var reader = new KafkaReader(buffer.WrittenMemory);
        Assert.Equal(-2, reader.ReadInt8());
        Assert.Equal(0x0102, reader.ReadInt16());
        Assert.Equal(0xFFFE, reader.ReadUInt16());
        Assert.Equal(0x01020304, reader.ReadInt32());
        Assert.Equal(0xFFFFFFFE, reader.ReadUInt32());
        Assert.Equal(0x0102030405060708, reader.ReadInt64());
        Assert.True(reader.ReadBoolean());
        Assert.Equal(1.5, reader.ReadFloat64());
        Assert.Equal(0, reader.Remaining);
    }

    [Fact]
    public void UuidIsSixteenBytesMostSignificantFirst()
    {
        var id = Guid.Parse("00112233-4455-6677-8899-aabbccddeeff");
        using var buffer = new PooledBufferWriter();
        var writer = new KafkaWriter(buffer);
        writer.WriteUuid(id);

        Assert.Equal("00112233445566778899AABBCCDDEEFF", Codec.Hex(buffer.WrittenSpan));
        var reader = new KafkaReader(buffer.WrittenMemory);
        Assert.Equal(id, reader.ReadUuid());
    }

    [Fact]
    public void StringsAreMeasuredInUtf8BytesNotChars()
    {
        using var buffer = new PooledBufferWriter();
        var writer = new KafkaWriter(buffer);
        writer.WriteString("é");
        writer.WriteCompactString("é");
        writer.WriteNullableString(null);
        writer.WriteCompactNullableString(null);

        Assert.Equal("0002C3A9" + "03C3A9" + "FFFF" + "00", Codec.Hex(buffer.WrittenSpan));
        var reader = new KafkaReader(buffer.WrittenMemory);
        Assert.Equal("é", reader.ReadString());
        Assert.Equal("é", reader.ReadCompactString());
        Assert.Null(reader.ReadNullableString());
        Assert.Null(reader.ReadCompactNullableString());
    }

    [Fact]
    public void BytesAreReturnedAsSlicesOfTheInput()
    {
        var input = Convert.FromHexString("00000003AABBCC" + "03DDEE" + "FFFFFFFF" + "00");
        var reader = new KafkaReader(input);

        var classic = reader.ReadBytes();
        var compact = reader.ReadCompactBytes();

        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(classic, out var segment));
        Assert.Same(input, segment.Array);
        Assert.Equal(4, segment.Offset);
        Assert.Equal("DDEE", Codec.Hex(compact.Span));
        Assert.Null(reader.ReadNullableBytes());
        Assert.Null(reader.ReadRecords(compact: true));
    }

    [Fact]
    public void WriteRecordsWritesLengthThenTheSliceAsIs()
    {
        using var buffer = new PooledBufferWriter();
        var writer = new KafkaWriter(buffer);
        writer.WriteRecords(new byte[] { 1, 2 }, compact: false);
        writer.WriteRecords(new byte[] { 3 }, compact: true);
        writer.WriteRecords(null, compact: false);
        writer.WriteRecords(null, compact: true);

        Assert.Equal("0000000201020203" + "FFFFFFFF" + "00", Codec.Hex(buffer.WrittenSpan));
    }

    [Fact]
    public void StringTooLongForAnInt16LengthIsRefusedWhenWriting()
    {
        using var buffer = new PooledBufferWriter();
        var text = new string('x', short.MaxValue + 1);

        Assert.Throws<ArgumentException>(() =>
        {
            var writer = new KafkaWriter(buffer);
            writer.WriteString(text);
        });
    }

    [Fact]
    public void SkipBeyondTheEndIsMalformed()
    {
        Assert.Throws<MalformedMessageException>(() =>
        {
            var reader = new KafkaReader(new byte[3]);
            reader.Skip(4);
        });
    }

    [Fact]
    public void WritingNullIntoAVersionThatForbidsItFailsLoudly()
    {
        // MetadataRequest.Topics is nullable only from v1.
        var request = new MetadataRequest { Topics = null };

        Assert.Throws<InvalidOperationException>(() => Codec.Encode(request, 0));
    }
}
