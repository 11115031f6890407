namespace Fjord.Log;

/// <summary>A batch is larger than max.message.bytes (Kafka MESSAGE_TOO_LARGE).</summary>
public sealed class RecordTooLargeException : LogException
{
    public RecordTooLargeException(string message) : base(message)
    {
    }

    public RecordTooLargeException(string message, Exception inner) : base(message, inner)
    {
    }
}
