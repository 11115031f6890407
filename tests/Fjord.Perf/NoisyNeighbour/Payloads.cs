using Confluent.Kafka;

namespace Fjord.Perf.NoisyNeighbour;

/// <summary>A few distinct payloads of random uppercase letters (as kafka-producer-perf-test sends), built once and reused.</summary>
internal static class Payloads
{
    private const int Distinct = 16;

    public static Message<Null, byte[]>[] Build(int recordSize, int seed)
    {
        var random = new Random(seed);
        var messages = new Message<Null, byte[]>[Distinct];
        for (var m = 0; m < messages.Length; m++)
        {
            var payload = new byte[recordSize];
            for (var b = 0; b < payload.Length; b++)
                payload[b] = (byte)('A' + random.Next(26));
            messages[m] = new Message<Null, byte[]> { Value = payload };
        }

        return messages;
    }
}
