namespace Fjord.Tiering;

/// <summary>
/// Remote storage or the remote-segment manifest failed while serving a read. Retriable: the broker
/// answers the fetch with a retriable error (Kafka answers UNKNOWN_SERVER_ERROR or a timeout for a
/// failed remote fetch) and the consumer tries again; the hot tier keeps serving meanwhile.
/// </summary>
public sealed class RemoteStorageUnavailableException : Exception
{
    public RemoteStorageUnavailableException()
    {
    }

    public RemoteStorageUnavailableException(string message) : base(message)
    {
    }

    public RemoteStorageUnavailableException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Always true: nothing about the request was wrong, only the remote tier's availability.</summary>
    public bool IsRetriable => true;
}
