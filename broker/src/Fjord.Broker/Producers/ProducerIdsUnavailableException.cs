namespace Fjord.Broker.Producers;

/// <summary>
/// This broker's producer-id block is used up and the next one could not be claimed in time (the
/// metadata store is unreachable or slow). Retriable: InitProducerId answers
/// COORDINATOR_LOAD_IN_PROGRESS, and the next request tries the store again.
/// </summary>
public sealed class ProducerIdsUnavailableException : Exception
{
    public ProducerIdsUnavailableException()
    {
    }

    public ProducerIdsUnavailableException(string message)
        : base(message)
    {
    }

    public ProducerIdsUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
