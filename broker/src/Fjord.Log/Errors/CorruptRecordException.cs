namespace Fjord.Log;

/// <summary>A record batch failed its CRC-32C or framing checks (Kafka CORRUPT_MESSAGE).</summary>
public sealed class CorruptRecordException : LogException
{
    public CorruptRecordException(string message) : base(message)
    {
    }

    public CorruptRecordException(string message, Exception inner) : base(message, inner)
    {
    }
}
