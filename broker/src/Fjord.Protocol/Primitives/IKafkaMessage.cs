namespace Fjord.Protocol;

/// <summary>A request or response body of one Kafka API.</summary>
public interface IKafkaMessage : IKafkaSerializable
{
    ApiKey ApiKey { get; }

    /// <summary>Lowest version in the spec's validVersions.</summary>
    short LowestSupportedVersion { get; }

    /// <summary>Highest version in the spec's validVersions.</summary>
    short HighestSupportedVersion { get; }
}
