using Fjord.Log.Records;

namespace Fjord.Log.Compression;

/// <summary>
/// Kafka's compression.type for a topic or broker: a codec every stored batch is rewritten to, or
/// <see cref="Producer"/>, which keeps each batch exactly as the producer compressed it.
/// </summary>
public enum BrokerCompressionType
{
    Producer,
    Uncompressed,
    Gzip,
    Snappy,
    Lz4,
    Zstd,
}

public static class BrokerCompressionTypes
{
    /// <summary>The values Kafka accepts, lower case and exact, in the order its docs list them.</summary>
    public static IReadOnlyList<string> Names { get; } = ["uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"];

    public static bool TryParse(string value, out BrokerCompressionType type)
    {
        type = value switch
        {
            "producer" => BrokerCompressionType.Producer,
            "uncompressed" => BrokerCompressionType.Uncompressed,
            "gzip" => BrokerCompressionType.Gzip,
            "snappy" => BrokerCompressionType.Snappy,
            "lz4" => BrokerCompressionType.Lz4,
            "zstd" => BrokerCompressionType.Zstd,
            _ => (BrokerCompressionType)(-1),
        };
        return type >= 0;
    }

    /// <summary>The batch codec a target setting stores; only meaningful when it is not <see cref="BrokerCompressionType.Producer"/>.</summary>
    public static CompressionType ToCodec(this BrokerCompressionType type) => type switch
    {
        BrokerCompressionType.Uncompressed => CompressionType.None,
        BrokerCompressionType.Gzip => CompressionType.Gzip,
        BrokerCompressionType.Snappy => CompressionType.Snappy,
        BrokerCompressionType.Lz4 => CompressionType.Lz4,
        BrokerCompressionType.Zstd => CompressionType.Zstd,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "producer keeps the producer's codec"),
    };
}
