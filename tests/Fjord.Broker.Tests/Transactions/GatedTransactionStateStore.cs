using Fjord.Cluster;

namespace Fjord.Broker.Tests.Transactions;

/// <summary>A store whose partition loads wait until the test opens the gate.</summary>
internal sealed class GatedTransactionStateStore(ITransactionStateStore inner) : ITransactionStateStore
{
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Open() => _open.TrySetResult();

    public async Task<IReadOnlyList<StoredTransaction>> LoadPartitionAsync(int coordinatorPartition, CancellationToken ct)
    {
        await _open.Task.WaitAsync(ct);
        return await inner.LoadPartitionAsync(coordinatorPartition, ct);
    }

    public Task<StoredTransaction?> ReadAsync(int coordinatorPartition, string transactionalId, CancellationToken ct) =>
        inner.ReadAsync(coordinatorPartition, transactionalId, ct);

    public Task<StoredTransaction?> WriteAsync(TransactionMetadata metadata, string? expectedETag, CancellationToken ct) =>
        inner.WriteAsync(metadata, expectedETag, ct);

    public Task<bool> DeleteAsync(int coordinatorPartition, string transactionalId, string expectedETag, CancellationToken ct) =>
        inner.DeleteAsync(coordinatorPartition, transactionalId, expectedETag, ct);
}
