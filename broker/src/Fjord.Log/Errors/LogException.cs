namespace Fjord.Log;

/// <summary>
/// Base of the log's small error taxonomy. The broker maps each subtype to a Kafka error code;
/// the log itself stays independent of the protocol assembly.
/// </summary>
public abstract class LogException : Exception
{
    protected LogException(string message) : base(message)
    {
    }

    protected LogException(string message, Exception inner) : base(message, inner)
    {
    }
}
