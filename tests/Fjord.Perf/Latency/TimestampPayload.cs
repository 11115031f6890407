using System.Buffers.Binary;

namespace Fjord.Perf.Latency;

/// <summary>
/// The first 16 bytes of an e2e-latency record: its sequence number and the Stopwatch timestamp
/// taken just before it was produced (big-endian int64 each). Producer and consumer run in one
/// process, so the consumer subtracts timestamps of the same clock.
/// </summary>
internal static class TimestampPayload
{
    public const int Size = 16;

    public static void Write(Span<byte> payload, long sequence, long sentTimestamp)
    {
        BinaryPrimitives.WriteInt64BigEndian(payload, sequence);
        BinaryPrimitives.WriteInt64BigEndian(payload[8..], sentTimestamp);
    }

    public static (long Sequence, long SentTimestamp) Read(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < Size)
            throw new InvalidOperationException($"a record of {payload.Length} bytes is not an e2e-latency record (needs {Size})");
        return (BinaryPrimitives.ReadInt64BigEndian(payload), BinaryPrimitives.ReadInt64BigEndian(payload[8..]));
    }
}
