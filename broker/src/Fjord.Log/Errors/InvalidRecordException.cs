namespace Fjord.Log;

/// <summary>A record batch is well framed but its records break the v2 format rules (Kafka INVALID_RECORD).</summary>
public sealed class InvalidRecordException : LogException
{
    public InvalidRecordException(string message) : base(message)
    {
    }

    public InvalidRecordException(string message, Exception inner) : base(message, inner)
    {
    }
}
