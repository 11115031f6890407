using Fjord.Protocol.Tests.Support;

namespace Fjord.Protocol.Tests.Primitives;

public sealed class VarIntTests
{
    [Theory]
    [InlineData(0u, "00")]
    [InlineData(1u, "01")]
    [InlineData(127u, "7F")]
    [InlineData(128u, "8001")]
    [InlineData(300u, "AC02")]
    [InlineData(16_383u, "FF7F")]
    [InlineData(16_384u, "808001")]
    [InlineData(uint.MaxValue, "FFFFFFFF0F")]
    public void UnsignedVarIntUsesLeb128(uint value, string hex)
    {
        Assert.Equal(hex, Write(w => w.WriteUnsignedVarInt(value)));
        var reader = new KafkaReader(Convert.FromHexString(hex));
        Assert.Equal(value, reader.ReadUnsignedVarInt());
        Assert.Equal(0, reader.Remaining);
    }

    [Theory]
    [InlineData(0, "00")]
    [InlineData(-1, "01")]
    [InlineData(1, "02")]
    [InlineData(-2, "03")]
    [InlineData(63, "7E")]
    [InlineData(-64, "7F")]
    [InlineData(64, "8001")]
    [InlineData(int.MaxValue, "FEFFFFFF0F")]
    [InlineData(int.MinValue, "FFFFFFFF0F")]
    public void VarIntIsZigZagEncoded(int value, string hex)
    {
        Assert.Equal(hex, Write(w => w.WriteVarInt(value)));
        var reader = new KafkaReader(Convert.FromHexString(hex));
        Assert.Equal(value, reader.ReadVarInt());
    }

    [Theory]
    [InlineData(0L, "00")]
    [InlineData(-1L, "01")]
    [InlineData(1L, "02")]
    [InlineData(long.MaxValue, "FEFFFFFFFFFFFFFFFF01")]
    [InlineData(long.MinValue, "FFFFFFFFFFFFFFFFFF01")]
    [InlineData(int.MaxValue + 1L, "8080808010")]
    public void VarLongIsZigZagEncoded(long value, string hex)
    {
        Assert.Equal(hex, Write(w => w.WriteVarLong(value)));
        var reader = new KafkaReader(Convert.FromHexString(hex));
        Assert.Equal(value, reader.ReadVarLong());
        Assert.Equal(0, reader.Remaining);
    }

    [Theory]
    [InlineData("808080808001")] // six bytes
    [InlineData("FFFFFFFF1F")] // fifth byte carries bits beyond 32
    [InlineData("80")] // continuation bit with nothing after
    [InlineData("")]
    public void MalformedUnsignedVarIntIsRejected(string hex)
    {
        Assert.Throws<MalformedMessageException>(() =>
        {
            var reader = new KafkaReader(Convert.FromHexString(hex));
            reader.ReadUnsignedVarInt();
        });
    }

    [Theory]
    [InlineData("8080808080808080808001")] // eleven bytes
    [InlineData("FFFFFFFFFFFFFFFFFF03")] // tenth byte carries bits beyond 64
    [InlineData("FFFF")]
    public void MalformedVarLongIsRejected(string hex)
    {
        Assert.Throws<MalformedMessageException>(() =>
        {
            var reader = new KafkaReader(Convert.FromHexString(hex));
            reader.ReadVarLong();
        });
    }

    private static string Write(Action<PooledBufferWriterAdapter> write)
    {
        using var buffer = new PooledBufferWriter();
        write(new PooledBufferWriterAdapter(buffer));
        return Codec.Hex(buffer.WrittenSpan);
    }

    /// <summary>KafkaWriter is a ref struct and cannot be captured by a lambda; this wraps one call.</summary>
    private sealed class PooledBufferWriterAdapter(PooledBufferWriter buffer)
    {
        public void WriteUnsignedVarInt(uint value)
        {
            var writer = new KafkaWriter(buffer);
            writer.WriteUnsignedVarInt(value);
        }

        public void WriteVarInt(int value)
        {
            var writer = new KafkaWriter(buffer);
            writer.WriteVarInt(value);
        }

        public void WriteVarLong(long value)
        {
            var writer = new KafkaWriter(buffer);
            writer.WriteVarLong(value);
        }
    }
}
