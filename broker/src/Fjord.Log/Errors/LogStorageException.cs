namespace Fjord.Log;

/// <summary>The local disk failed underneath the log (Kafka KAFKA_STORAGE_ERROR).</summary>
public sealed class LogStorageException : LogException
{
    public LogStorageException(string message) : base(message)
    {
    }

    public LogStorageException(string message, Exception inner) : base(message, inner)
    {
    }
}
