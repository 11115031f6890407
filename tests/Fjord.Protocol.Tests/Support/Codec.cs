using Fjord.Protocol;

namespace Fjord.Protocol.Tests.Support;

/// <summary>Encode/decode helpers so tests speak in byte arrays.</summary>
internal static class Codec
{
    public static byte[] Encode(IKafkaSerializable message, short version)
    {
        using var buffer = new PooledBufferWriter();
        var writer = new KafkaWriter(buffer);
        message.Write(ref writer, version);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Decodes and insists the whole input was consumed: trailing garbage means a field was skipped.</summary>
    public static T Decode<T>(T target, ReadOnlyMemory<byte> bytes, short version)
        where T : IKafkaSerializable
    {
        var reader = new KafkaReader(bytes);
        target.Read(ref reader, version);
        Assert.Equal(0, reader.Remaining);
        return target;
    }

    /// <summary>Decodes without any assertion: for hostile-input tests where only the exception type matters.</summary>
    public static void DecodeUnchecked(IKafkaSerializable target, ReadOnlyMemory<byte> bytes, short version)
    {
        var reader = new KafkaReader(bytes);
        target.Read(ref reader, version);
    }

    public static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes);
}
