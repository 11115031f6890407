namespace Fjord.Log;

/// <summary>
/// A transaction marker comes from a coordinator epoch older than the one that last wrote a marker for
/// the producer (Kafka TRANSACTION_COORDINATOR_FENCED, error 52): a newer coordinator took over the
/// transactional id, so the stale one must not end transactions any more.
/// </summary>
public sealed class TransactionCoordinatorFencedException : LogException
{
    public TransactionCoordinatorFencedException(string message) : base(message)
    {
    }
}
