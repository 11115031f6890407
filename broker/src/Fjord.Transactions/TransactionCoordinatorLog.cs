using Microsoft.Extensions.Logging;

namespace Fjord.Transactions;

/// <summary>The transaction coordinator's log events (ids 3100-3199).</summary>
internal static partial class TransactionCoordinatorLog
{
    [LoggerMessage(EventId = 3100, Level = LogLevel.Debug, Message = "Loading transaction state partition {Partition} at coordinator epoch {CoordinatorEpoch}")]
    public static partial void Loading(ILogger logger, int partition, int coordinatorEpoch);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Debug, Message = "Loaded {Count} transactional ids of partition {Partition}; resuming {Pending} transactions with an outcome decided")]
    public static partial void Loaded(ILogger logger, int partition, int count, int pending);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "Loading transaction state partition {Partition} failed; retrying")]
    public static partial void LoadFailed(ILogger logger, int partition, Exception exception);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Debug, Message = "Unloaded transaction state partition {Partition} (coordinator epoch {CoordinatorEpoch})")]
    public static partial void Unloaded(ILogger logger, int partition, int coordinatorEpoch);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Warning, Message = "Transaction state of {TransactionalId} was written by coordinator epoch {StoredEpoch} since this coordinator (epoch {CoordinatorEpoch}) read it; giving up partition {Partition}")]
    public static partial void Superseded(ILogger logger, string transactionalId, int storedEpoch, int coordinatorEpoch, int partition);

    [LoggerMessage(EventId = 3105, Level = LogLevel.Warning, Message = "Transaction state of {TransactionalId} changed under this coordinator; reloaded it")]
    public static partial void Reloaded(ILogger logger, string transactionalId);

    [LoggerMessage(EventId = 3106, Level = LogLevel.Warning, Message = "Writing {Outcome} markers of {TransactionalId} (producer {ProducerId}, epoch {ProducerEpoch}) failed, attempt {Attempt}; retrying")]
    public static partial void MarkersFailed(ILogger logger, string outcome, string transactionalId, long producerId, short producerEpoch, int attempt, Exception exception);

    [LoggerMessage(EventId = 3107, Level = LogLevel.Information, Message = "Aborting transaction of {TransactionalId} (producer {ProducerId}, epoch {ProducerEpoch}): {Reason}")]
    public static partial void Aborting(ILogger logger, string transactionalId, long producerId, short producerEpoch, string reason);

    [LoggerMessage(EventId = 3108, Level = LogLevel.Information, Message = "Transactional id {TransactionalId} expired and was removed")]
    public static partial void Expired(ILogger logger, string transactionalId);

    [LoggerMessage(EventId = 3109, Level = LogLevel.Warning, Message = "No producer id could be generated for {TransactionalId}")]
    public static partial void ProducerIdUnavailable(ILogger logger, string transactionalId, Exception exception);

    [LoggerMessage(EventId = 3110, Level = LogLevel.Error, Message = "Transaction coordinator background job {Job} failed")]
    public static partial void JobFailed(ILogger logger, string job, Exception exception);

    [LoggerMessage(EventId = 3111, Level = LogLevel.Error, Message = "Completing the transaction of {TransactionalId} failed")]
    public static partial void CompletionFailed(ILogger logger, string transactionalId, Exception exception);
}
