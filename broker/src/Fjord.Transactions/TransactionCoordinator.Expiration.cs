using Fjord.Cluster;

namespace Fjord.Transactions;

public sealed partial class TransactionCoordinator
{
    private ITimer? _abortTimer;
    private ITimer? _expiryTimer;
    private int _abortRunning;
    private int _expiryRunning;

    /// <summary>
    /// Starts the background jobs on the <see cref="TimeProvider"/>: the timed-out transaction abort every
    /// transaction.abort.timed.out.transaction.cleanup.interval.ms and the transactional-id expiry every
    /// transaction.remove.expired.transaction.cleanup.interval.ms. <see cref="DisposeAsync"/> stops them.
    /// </summary>
    public void Start()
    {
        var abort = TimeSpan.FromMilliseconds(_config.AbortTimedOutTransactionCleanupIntervalMs);
        var expiry = TimeSpan.FromMilliseconds(_config.RemoveExpiredTransactionalIdCleanupIntervalMs);
        _abortTimer = _time.CreateTimer(_ => OnAbortTimer(), null, abort, abort);
        _expiryTimer = _time.CreateTimer(_ => OnExpiryTimer(), null, expiry, expiry);
    }

    /// <summary>
    /// Aborts every open transaction of the owned partitions that has run longer than its timeout
    /// (Kafka's abortTimedOutTransactions: start + timeout &lt; now), bumping the epoch so the producer that
    /// let it time out is fenced. Returns how many were aborted.
    /// </summary>
    public async Task<int> AbortExpiredTransactionsAsync(DateTimeOffset now, CancellationToken ct)
    {
        var nowMs = now.ToUnixTimeMilliseconds();
        static bool TimedOut(TransactionMetadata? m, long nowMs) =>
            m is { State: TransactionState.Ongoing } && m.TransactionStartTimestampMs + m.TransactionTimeoutMs < nowMs;

        var aborted = 0;
        foreach (var (partition, entry) in Candidates(m => TimedOut(m, nowMs)))
        {
            if (!await TryGateAsync(partition, entry, ct).ConfigureAwait(false))
            {
                continue;
            }

            try
            {
                var current = entry.Metadata;
                if (TimedOut(current, nowMs)
                    && await FenceAndAbortAsync(partition, entry, current!, "the transaction timed out", ct).ConfigureAwait(false))
                {
                    aborted++;
                }
            }
            finally
            {
                entry.Gate.Release();
            }
        }

        return aborted;
    }

    /// <summary>
    /// Removes every transactional id of the owned partitions with no transaction open and no activity for
    /// transactional.id.expiration.ms (Kafka's removeExpiredTransactionalIds), with a delete guarded by its
    /// version. A later InitProducerId for it starts afresh with a new producer id. Returns how many were removed.
    /// </summary>
    public async Task<int> RemoveExpiredTransactionalIdsAsync(DateTimeOffset now, CancellationToken ct)
    {
        var nowMs = now.ToUnixTimeMilliseconds();
        bool Expired(TransactionMetadata? m) =>
            m is not null && TransactionStateTransitions.IsIdle(m.State) && m.TransactionLastUpdateTimestampMs + _config.TransactionalIdExpirationMs <= nowMs;

        var removed = 0;
        foreach (var (partition, entry) in Candidates(Expired))
        {
            if (!await TryGateAsync(partition, entry, ct).ConfigureAwait(false))
            {
                continue;
            }

            try
            {
                var stored = entry.Stored;
                if (stored is null || !Expired(stored.Metadata))
                {
                    continue;
                }

                if (await _store.DeleteAsync(partition.Partition, entry.TransactionalId, stored.ETag, ct).ConfigureAwait(false))
                {
                    entry.Removed = true;
                    entry.Stored = null;
                    partition.Entries.TryRemove(new KeyValuePair<string, TransactionEntry>(entry.TransactionalId, entry));
                    TransactionCoordinatorLog.Expired(_logger, entry.TransactionalId);
                    removed++;
                }
                else
                {
                    await OnConflictAsync(partition, entry, ct).ConfigureAwait(false);
                }
            }
            finally
            {
                entry.Gate.Release();
            }
        }

        return removed;
    }

    private List<(CoordinatorPartition Partition, TransactionEntry Entry)> Candidates(Func<TransactionMetadata?, bool> matches) =>
        _partitions.Values
            .Where(p => p.Loaded)
            .SelectMany(p => p.Entries.Values.Where(e => matches(e.Metadata)).Select(e => (p, e)))
            .ToList();

    /// <summary>Takes the entry's gate if the entry and its partition are still current.</summary>
    private async Task<bool> TryGateAsync(CoordinatorPartition partition, TransactionEntry entry, CancellationToken ct)
    {
        await entry.Gate.WaitAsync(ct).ConfigureAwait(false);
        if (!entry.Removed && IsCurrent(partition))
        {
            return true;
        }

        entry.Gate.Release();
        return false;
    }

    // A run that outlasts the period is not overlapped by the next one.
    private void OnAbortTimer()
    {
        if (Interlocked.Exchange(ref _abortRunning, 1) == 0)
        {
            _ = RunJobAsync("abort timed-out transactions", AbortExpiredTransactionsAsync, () => Volatile.Write(ref _abortRunning, 0));
        }
    }

    private void OnExpiryTimer()
    {
        if (Interlocked.Exchange(ref _expiryRunning, 1) == 0)
        {
            _ = RunJobAsync("expire transactional ids", RemoveExpiredTransactionalIdsAsync, () => Volatile.Write(ref _expiryRunning, 0));
        }
    }

    private async Task RunJobAsync(string job, Func<DateTimeOffset, CancellationToken, Task<int>> run, Action done)
    {
        try
        {
            await run(_time.GetUtcNow(), _stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            TransactionCoordinatorLog.JobFailed(_logger, job, ex);
        }
        finally
        {
            done();
        }
    }

    private async Task StopTimersAsync()
    {
        if (_abortTimer is not null)
        {
            await _abortTimer.DisposeAsync().ConfigureAwait(false);
        }

        if (_expiryTimer is not null)
        {
            await _expiryTimer.DisposeAsync().ConfigureAwait(false);
        }
    }
}
