namespace Fjord.Protocol;

/// <summary>
/// Anything with a versioned Kafka wire form: request/response bodies and the request/response headers.
/// </summary>
public interface IKafkaSerializable
{
    /// <summary>Overwrites every field from <paramref name="reader"/> as encoded at <paramref name="version"/>.</summary>
    /// <exception cref="MalformedMessageException">The bytes are not a valid encoding.</exception>
    void Read(ref KafkaReader reader, short version);

    /// <summary>Writes the fields that exist at <paramref name="version"/>; fields absent in that version are silently dropped.</summary>
    void Write(ref KafkaWriter writer, short version);
}
