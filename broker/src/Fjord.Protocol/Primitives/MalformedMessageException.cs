using System.Diagnostics.CodeAnalysis;

namespace Fjord.Protocol;

/// <summary>
/// The bytes on the wire do not form a valid Kafka message (truncated, hostile lengths, bad
/// varints). It is the only exception <see cref="KafkaReader"/> lets escape, so the connection
/// loop can answer CORRUPT_MESSAGE / INVALID_REQUEST or close the connection without guessing.
/// </summary>
public sealed class MalformedMessageException : Exception
{
    public MalformedMessageException()
        : base("Malformed Kafka message.")
    {
    }

    public MalformedMessageException(string message)
        : base(message)
    {
    }

    public MalformedMessageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    [DoesNotReturn]
    internal static void Throw(string message) => throw new MalformedMessageException(message);
}
