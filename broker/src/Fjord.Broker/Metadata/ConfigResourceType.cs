namespace Fjord.Broker.Metadata;

/// <summary>Kafka's config resource types on the wire.</summary>
public enum ConfigResourceType : sbyte
{
    Unknown = 0,
    Topic = 2,
    Broker = 4,
    BrokerLogger = 8,
}
