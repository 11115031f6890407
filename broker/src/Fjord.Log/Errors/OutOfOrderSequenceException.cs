namespace Fjord.Log;

/// <summary>A batch's sequence does not follow the producer's last one (Kafka OUT_OF_ORDER_SEQUENCE_NUMBER): the producer lost a batch or retried one too old to recognise.</summary>
public sealed class OutOfOrderSequenceException : LogException
{
    public OutOfOrderSequenceException(string message) : base(message)
    {
    }
}
