namespace Fjord.Cluster;

/// <summary>The argument checks both store implementations share, so they reject the same input.</summary>
internal static class TransactionStoreValidation
{
    public static void ValidatePartition(int coordinatorPartition) =>
        ArgumentOutOfRangeException.ThrowIfNegative(coordinatorPartition);

    public static void ValidateId(string transactionalId) =>
        ArgumentException.ThrowIfNullOrEmpty(transactionalId);

    public static void Validate(TransactionMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        ValidateId(metadata.TransactionalId);
        ValidatePartition(metadata.CoordinatorPartition);
        ArgumentNullException.ThrowIfNull(metadata.Partitions);
        foreach (var partition in metadata.Partitions)
        {
            ArgumentException.ThrowIfNullOrEmpty(partition.Topic);
            ArgumentOutOfRangeException.ThrowIfNegative(partition.Partition);
        }
    }
}
