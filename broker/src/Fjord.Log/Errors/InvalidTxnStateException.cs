namespace Fjord.Log;

/// <summary>
/// A producer wrote outside the transaction state the partition holds for it (Kafka INVALID_TXN_STATE,
/// error 48): a non-transactional batch while its transaction is open, or a transactional batch of a
/// newer epoch before the coordinator ended the older epoch's transaction with a marker.
/// </summary>
public sealed class InvalidTxnStateException : LogException
{
    public InvalidTxnStateException(string message) : base(message)
    {
    }
}
