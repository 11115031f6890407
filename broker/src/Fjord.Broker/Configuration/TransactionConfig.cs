using Fjord.Transactions;

namespace Fjord.Broker.Configuration;

/// <summary>The transaction coordinator's settings, read from the broker config under Kafka's names.</summary>
public static class TransactionConfig
{
    public static TransactionCoordinatorConfig From(BrokerConfig config) => new()
    {
        TransactionMaxTimeoutMs = config.TransactionMaxTimeoutMs,
        TransactionalIdExpirationMs = config.TransactionalIdExpirationMs,
        AbortTimedOutTransactionCleanupIntervalMs = config.TransactionAbortTimedOutTransactionCleanupIntervalMs,
        RemoveExpiredTransactionalIdCleanupIntervalMs = config.TransactionRemoveExpiredTransactionCleanupIntervalMs,
        TransactionStateLogNumPartitions = config.TransactionStateLogNumPartitions,
    };
}
