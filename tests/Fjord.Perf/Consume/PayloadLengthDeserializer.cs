using Confluent.Kafka;

namespace Fjord.Perf.Consume;

/// <summary>
/// The consumer only needs each value's size: returning the length instead of a byte[] saves a
/// managed copy of every record (librdkafka hands the bytes over as a span).
/// </summary>
internal sealed class PayloadLengthDeserializer : IDeserializer<int>
{
    public static readonly PayloadLengthDeserializer Instance = new();

    public int Deserialize(ReadOnlySpan<byte> data, bool isNull, SerializationContext context) => isNull ? 0 : data.Length;
}
