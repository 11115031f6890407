using System.Globalization;

namespace Fjord.Cluster;

/// <summary>
/// <see cref="ITransactionStateStore"/> in memory, for tests and a single process: the same
/// compare-and-swap rules as the Table store, with a counter for ETags.
/// </summary>
public sealed class InMemoryTransactionStateStore : ITransactionStateStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(int Partition, string Id), StoredTransaction> _rows = [];
    private long _version;

    public Task<IReadOnlyList<StoredTransaction>> LoadPartitionAsync(int coordinatorPartition, CancellationToken ct)
    {
        TransactionStoreValidation.ValidatePartition(coordinatorPartition);
        ct.ThrowIfCancellationRequested();
        lock (_lock)
        {
            IReadOnlyList<StoredTransaction> rows = _rows
                .Where(r => r.Key.Partition == coordinatorPartition)
                .Select(r => r.Value)
                .OrderBy(r => r.Metadata.TransactionalId, StringComparer.Ordinal)
                .ToList();
            return Task.FromResult(rows);
        }
    }

    public Task<StoredTransaction?> ReadAsync(int coordinatorPartition, string transactionalId, CancellationToken ct)
    {
        TransactionStoreValidation.ValidatePartition(coordinatorPartition);
        TransactionStoreValidation.ValidateId(transactionalId);
        ct.ThrowIfCancellationRequested();
        lock (_lock)
            return Task.FromResult(_rows.GetValueOrDefault((coordinatorPartition, transactionalId)));
    }

    public Task<StoredTransaction?> WriteAsync(TransactionMetadata metadata, string? expectedETag, CancellationToken ct)
    {
        TransactionStoreValidation.Validate(metadata);
        ct.ThrowIfCancellationRequested();
        var key = (metadata.CoordinatorPartition, metadata.TransactionalId);
        lock (_lock)
        {
            var current = _rows.GetValueOrDefault(key);
            if (current?.ETag != expectedETag)
                return Task.FromResult<StoredTransaction?>(null);

            // A copy of the partition list: the caller's list must not change what is stored.
            var stored = new StoredTransaction(metadata with { Partitions = metadata.Partitions.ToArray() }, NextETag());
            _rows[key] = stored;
            return Task.FromResult<StoredTransaction?>(stored);
        }
    }

    public Task<bool> DeleteAsync(int coordinatorPartition, string transactionalId, string expectedETag, CancellationToken ct)
    {
        TransactionStoreValidation.ValidatePartition(coordinatorPartition);
        TransactionStoreValidation.ValidateId(transactionalId);
        ArgumentException.ThrowIfNullOrEmpty(expectedETag);
        ct.ThrowIfCancellationRequested();
        lock (_lock)
        {
            var key = (coordinatorPartition, transactionalId);
            if (!_rows.TryGetValue(key, out var current) || current.ETag != expectedETag)
                return Task.FromResult(false);
            _rows.Remove(key);
            return Task.FromResult(true);
        }
    }

    private string NextETag() => "W/\"" + (++_version).ToString(CultureInfo.InvariantCulture) + "\"";
}
