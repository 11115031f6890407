namespace Fjord.Log;

/// <summary>A batch carries an epoch older than the producer's current one (Kafka INVALID_PRODUCER_EPOCH): a newer incarnation of the producer has written since.</summary>
public sealed class InvalidProducerEpochException : LogException
{
    public InvalidProducerEpochException(string message) : base(message)
    {
    }
}
