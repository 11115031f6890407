namespace Fjord.Cluster;

/// <summary>Column names of the transactions table; typed (Int64, Int32, Binary), not all strings.</summary>
internal static class TransactionTableColumns
{
    public const string TransactionalId = "TransactionalId";
    public const string ProducerId = "ProducerId";
    public const string PreviousProducerId = "PreviousProducerId";
    public const string NextProducerId = "NextProducerId";
    public const string ProducerEpoch = "ProducerEpoch";
    public const string LastProducerEpoch = "LastProducerEpoch";
    public const string TransactionTimeoutMs = "TransactionTimeoutMs";
    public const string State = "State";
    public const string Partitions = "Partitions";
    public const string TransactionStartTimestampMs = "TransactionStartTimestampMs";
    public const string TransactionLastUpdateTimestampMs = "TransactionLastUpdateTimestampMs";
    public const string CoordinatorEpoch = "CoordinatorEpoch";
}
