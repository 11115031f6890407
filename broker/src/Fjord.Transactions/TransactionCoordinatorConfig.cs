namespace Fjord.Transactions;

/// <summary>The transaction coordinator's knobs, named and defaulted as Kafka's broker configs.</summary>
public sealed record TransactionCoordinatorConfig
{
    /// <summary>transaction.max.timeout.ms: the largest transaction.timeout.ms a producer may ask for.</summary>
    public int TransactionMaxTimeoutMs { get; init; } = 900_000;

    /// <summary>transactional.id.expiration.ms: how long an id with no transaction open is kept without activity.</summary>
    public long TransactionalIdExpirationMs { get; init; } = 604_800_000;

    /// <summary>transaction.abort.timed.out.transaction.cleanup.interval.ms: period of the timeout check.</summary>
    public int AbortTimedOutTransactionCleanupIntervalMs { get; init; } = 10_000;

    /// <summary>transaction.remove.expired.transaction.cleanup.interval.ms: period of the id expiry check.</summary>
    public int RemoveExpiredTransactionalIdCleanupIntervalMs { get; init; } = 3_600_000;

    /// <summary>transaction.state.log.num.partitions: partitions of <c>__transaction_state</c>.</summary>
    public int TransactionStateLogNumPartitions { get; init; } = 50;

    /// <summary>First wait after a failed marker write; doubles per failure up to <see cref="MarkerRetryBackoffMaxMs"/>.</summary>
    public int MarkerRetryBackoffMs { get; init; } = 100;

    /// <summary>Longest wait between marker write attempts.</summary>
    public int MarkerRetryBackoffMaxMs { get; init; } = 5_000;
}
