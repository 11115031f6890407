using System.Buffers.Binary;

namespace Fjord.Protocol.Tests.Primitives;

public sealed class PooledBufferWriterTests
{
    [Fact]
    public void GrowsPastItsInitialCapacityKeepingWhatWasWritten()
    {
        using var buffer = new PooledBufferWriter(16);
        var payload = Enumerable.Range(0, 10_000).Select(i => (byte)i).ToArray();
        var writer = new KafkaWriter(buffer);
        writer.WriteRaw(payload);

        Assert.Equal(10_000, buffer.WrittenCount);
        Assert.True(buffer.WrittenSpan.SequenceEqual(payload));
    }

    [Fact]
    public void ReservedSizePrefixCanBePatchedAfterTheBodyIsWritten()
    {
        using var buffer = new PooledBufferWriter();
        buffer.Advance(4);
        var writer = new KafkaWriter(buffer);
        writer.WriteInt32(7);
        writer.WriteCompactString("abc");
        BinaryPrimitives.WriteInt32BigEndian(buffer.WrittenSpanMutable, buffer.WrittenCount - 4);

        Assert.Equal(8, BinaryPrimitives.ReadInt32BigEndian(buffer.WrittenSpan));
    }

    [Fact]
    public void ResetForgetsTheWrittenBytes()
    {
        using var buffer = new PooledBufferWriter();
        buffer.GetSpan(3)[..3].Fill(9);
        buffer.Advance(3);
        buffer.Reset();

        Assert.Equal(0, buffer.WrittenCount);
        Assert.True(buffer.WrittenMemory.IsEmpty);
    }

    [Fact]
    public void AdvancingPastTheBufferIsRefused()
    {
        using var buffer = new PooledBufferWriter(16);
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.Advance(buffer.Capacity + 1));
    }
}
