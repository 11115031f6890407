using Fjord.Protocol;

namespace Fjord.Transactions;

/// <summary>
/// One transactional id as DescribeTransactions sends it. On an error (NOT_COORDINATOR,
/// COORDINATOR_LOAD_IN_PROGRESS, TRANSACTIONAL_ID_NOT_FOUND) only the id and the error are meaningful.
/// </summary>
public sealed record TransactionDescription(
    string TransactionalId,
    ErrorCode Error,
    string State,
    int TransactionTimeoutMs,
    long TransactionStartTimeMs,
    long ProducerId,
    short ProducerEpoch,
    IReadOnlyList<(string Topic, int Partition)> Partitions)
{
    public static TransactionDescription Failed(string transactionalId, ErrorCode error) =>
        new(transactionalId, error, "", 0, -1, -1, -1, []);
}
