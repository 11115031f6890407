namespace Fjord.Log;

/// <summary>A batch uses magic 0 or 1; Fjord only stores magic 2 (Kafka UNSUPPORTED_FOR_MESSAGE_FORMAT).</summary>
public sealed class UnsupportedMessageFormatException : LogException
{
    public UnsupportedMessageFormatException(string message) : base(message)
    {
    }

    public UnsupportedMessageFormatException(string message, Exception inner) : base(message, inner)
    {
    }
}
