using Fjord.Cluster;

namespace Fjord.Transactions;

public sealed partial class TransactionCoordinator
{
    /// <summary>How many partitions load from the store at once.</summary>
    private const int ConcurrentLoads = 2;

    private readonly Lock _ownershipLock = new();
    private readonly SemaphoreSlim _loadGate = new(ConcurrentLoads, ConcurrentLoads);
    private volatile Func<bool> _isFenced = static () => false;

    /// <summary>
    /// Tells the coordinator whether its broker is fenced (asked on every request): a fenced broker's
    /// snapshot may still name it leader of a partition that moved on, so it answers NOT_COORDINATOR.
    /// </summary>
    public void UseFencing(Func<bool> isFenced)
    {
        ArgumentNullException.ThrowIfNull(isFenced);
        _isFenced = isFenced;
    }

    /// <summary>
    /// Kafka's onElection: this broker now leads <c>__transaction_state</c> partition <paramref name="partition"/>
    /// at leader epoch <paramref name="coordinatorEpoch"/>. Its ids answer COORDINATOR_LOAD_IN_PROGRESS until
    /// its rows are loaded; then every transaction whose outcome was decided (Prepare*) is finished: its
    /// markers are written again and it completes. An older term of the partition is unloaded first; a call
    /// for the term already loaded (or an older one) changes nothing. The task completes when loaded.
    /// </summary>
    public Task LoadPartitionAsync(int partition, int coordinatorEpoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(partition);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(partition, _config.TransactionStateLogNumPartitions);
        CoordinatorPartition loading;
        lock (_ownershipLock)
        {
            if (_partitions.TryGetValue(partition, out var existing))
            {
                if (existing.CoordinatorEpoch >= coordinatorEpoch)
                {
                    return existing.LoadTask;
                }

                Unload(existing);
            }

            loading = new CoordinatorPartition(partition, coordinatorEpoch);
            _partitions[partition] = loading;
            loading.LoadTask = Task.Run(() => LoadAsync(loading));
        }

        return loading.LoadTask;
    }

    /// <summary>
    /// Kafka's onResignation: forgets partition <paramref name="partition"/> (any term). Its ids answer
    /// NOT_COORDINATOR; marker retries of its transactions stop, and the next coordinator resumes them.
    /// </summary>
    public void UnloadPartition(int partition)
    {
        if (_partitions.TryGetValue(partition, out var existing))
        {
            Unload(existing);
        }
    }

    /// <summary>The partitions this coordinator owns now, with their coordinator epochs (loaded or loading).</summary>
    public IReadOnlyDictionary<int, int> OwnedPartitions =>
        _partitions.Values.ToDictionary(p => p.Partition, p => p.CoordinatorEpoch);

    private void Unload(CoordinatorPartition partition)
    {
        bool removed;
        lock (_ownershipLock)
        {
            removed = _partitions.TryRemove(new KeyValuePair<int, CoordinatorPartition>(partition.Partition, partition));
        }

        if (removed)
        {
            partition.Unloading.Cancel();
            TransactionCoordinatorLog.Unloaded(_logger, partition.Partition, partition.CoordinatorEpoch);
        }
    }

    private async Task LoadAsync(CoordinatorPartition partition)
    {
        var ct = partition.Unloading.Token;
        TransactionCoordinatorLog.Loading(_logger, partition.Partition, partition.CoordinatorEpoch);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                IReadOnlyList<StoredTransaction> rows;
                // A broker that starts or takes over gains many partitions at once: queried all together
                // they would stall a shared Table storage account (heartbeats included) for seconds.
                await _loadGate.WaitAsync(ct).ConfigureAwait(false);
                try
                {
                    rows = await _store.LoadPartitionAsync(partition.Partition, ct).ConfigureAwait(false);
                }
                finally
                {
                    _loadGate.Release();
                }

                var pending = new List<(TransactionEntry Entry, StoredTransaction Row)>();
                foreach (var row in rows)
                {
                    var entry = new TransactionEntry(row.Metadata.TransactionalId) { Stored = row };
                    partition.Entries[entry.TransactionalId] = entry;
                    if (TransactionStateTransitions.IsPrepare(row.Metadata.State))
                    {
                        pending.Add((entry, row));
                    }
                }

                partition.Loaded = true;
                TransactionCoordinatorLog.Loaded(_logger, partition.Partition, rows.Count, pending.Count);
                foreach (var (entry, row) in pending)
                {
                    StartCompletion(partition, entry, row);
                }

                return;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                TransactionCoordinatorLog.LoadFailed(_logger, partition.Partition, ex);
            }

            var backoff = Math.Min(_config.MarkerRetryBackoffMaxMs, _config.MarkerRetryBackoffMs * Math.Pow(2, Math.Min(attempt - 1, 20)));
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(backoff), _time, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
