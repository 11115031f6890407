namespace Fjord.Security.Quotas;

/// <summary>Kafka's client quota configuration keys (kafka-configs --add-config and AlterClientQuotas use these names).</summary>
public static class ClientQuotaKeys
{
    /// <summary>Bytes per second of Produce requests (KIP-13).</summary>
    public const string ProducerByteRate = "producer_byte_rate";

    /// <summary>Bytes per second of Fetch responses to consumers (KIP-13).</summary>
    public const string ConsumerByteRate = "consumer_byte_rate";

    /// <summary>Percentage of one request handler thread's time over the quota window (KIP-124).</summary>
    public const string RequestPercentage = "request_percentage";

    /// <summary>Partition creations and deletions per second (KIP-599).</summary>
    public const string ControllerMutationRate = "controller_mutation_rate";

    /// <summary>New connections per second from one IP address (KIP-612).</summary>
    public const string ConnectionCreationRate = "connection_creation_rate";

    public static IReadOnlyList<string> All { get; } = [ProducerByteRate, ConsumerByteRate, RequestPercentage, ControllerMutationRate, ConnectionCreationRate];

    public static bool IsKnown(string key) => All.Contains(key, StringComparer.Ordinal);

    /// <summary>Kafka types these as LONG/INT: a fraction is refused.</summary>
    public static bool IsWholeNumber(string key) => key is ProducerByteRate or ConsumerByteRate or ConnectionCreationRate;
}
