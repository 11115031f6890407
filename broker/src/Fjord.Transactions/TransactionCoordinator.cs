using System.Collections.Concurrent;
using Fjord.Cluster;
using Fjord.Protocol;
using Microsoft.Extensions.Logging;

namespace Fjord.Transactions;

/// <summary>
/// The transaction coordinator of one broker (Kafka's TransactionCoordinator with its
/// TransactionStateManager and marker channel), independent of the wire. It owns the transactional ids
/// of the <c>__transaction_state</c> partitions it was told to load (the partitions this broker leads;
/// see <see cref="TransactionCoordinatorLocator"/>), keeps their state in memory and writes every
/// transition to the <see cref="ITransactionStateStore"/> with a compare-and-swap on the version it
/// loaded, so a coordinator that lost its partition to another broker finds out at its next write.
/// Changes to one id are serialised by a per-id gate; the markers of a decided transaction are written
/// outside it, by <see cref="ITransactionMarkerWriter"/>, retried until done or the partition is unloaded.
/// </summary>
public sealed partial class TransactionCoordinator : IAsyncDisposable
{
    private readonly TransactionCoordinatorConfig _config;
    private readonly ITransactionStateStore _store;
    private readonly ITransactionMarkerWriter _markers;
    private readonly Func<CancellationToken, ValueTask<long>> _generateProducerId;
    private readonly Func<string, int> _offsetsPartitionFor;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<int, CoordinatorPartition> _partitions = new();
    private readonly CancellationTokenSource _stopping = new();

    /// <param name="generateProducerId">A producer id no broker handed out before (the broker's ProducerIdManager).</param>
    /// <param name="offsetsPartitionFor">The <c>__consumer_offsets</c> partition of a group id, for AddOffsetsToTxn.</param>
    public TransactionCoordinator(
        TransactionCoordinatorConfig config,
        ITransactionStateStore store,
        ITransactionMarkerWriter markers,
        Func<CancellationToken, ValueTask<long>> generateProducerId,
        Func<string, int> offsetsPartitionFor,
        TimeProvider time,
        ILogger<TransactionCoordinator> logger)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(markers);
        ArgumentNullException.ThrowIfNull(generateProducerId);
        ArgumentNullException.ThrowIfNull(offsetsPartitionFor);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(config.TransactionStateLogNumPartitions);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(config.MarkerRetryBackoffMs);
        ArgumentOutOfRangeException.ThrowIfLessThan(config.MarkerRetryBackoffMaxMs, config.MarkerRetryBackoffMs);
        _config = config;
        _store = store;
        _markers = markers;
        _generateProducerId = generateProducerId;
        _offsetsPartitionFor = offsetsPartitionFor;
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// The <c>__transaction_state</c> partition that owns a transactional id: Kafka's
    /// <c>Utils.abs(transactionalId.hashCode()) % n</c>, with Java's String.hashCode over UTF-16 code units
    /// and Kafka's abs (Int.MinValue maps to 0), the same rule as the group coordinator's.
    /// </summary>
    public static int PartitionFor(string transactionalId, int transactionStatePartitionCount)
    {
        ArgumentNullException.ThrowIfNull(transactionalId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(transactionStatePartitionCount);
        var hash = 0;
        foreach (var c in transactionalId)
        {
            hash = unchecked((31 * hash) + c);
        }

        var abs = hash == int.MinValue ? 0 : Math.Abs(hash);
        return abs % transactionStatePartitionCount;
    }

    /// <summary>The partition of <paramref name="transactionalId"/> under this coordinator's partition count.</summary>
    public int PartitionFor(string transactionalId) => PartitionFor(transactionalId, _config.TransactionStateLogNumPartitions);

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>
    /// The id's entry with its gate held, or the error that stops the request: NOT_COORDINATOR when this
    /// broker does not own the id's partition (or is fenced), COORDINATOR_LOAD_IN_PROGRESS while it loads.
    /// The caller releases the gate.
    /// </summary>
    private async ValueTask<(ErrorCode Error, CoordinatorPartition? Partition, TransactionEntry? Entry)> AcquireAsync(string transactionalId, CancellationToken ct)
    {
        var number = PartitionFor(transactionalId);
        while (true)
        {
            var error = Ownership(number, out var partition);
            if (error != ErrorCode.None)
            {
                return (error, null, null);
            }

            var entry = partition!.Entries.GetOrAdd(transactionalId, static id => new TransactionEntry(id));
            await entry.Gate.WaitAsync(ct).ConfigureAwait(false);
            if (entry.Removed)
            {
                // Expired while this request waited: look the id up afresh.
                entry.Gate.Release();
                continue;
            }

            if (!IsCurrent(partition))
            {
                entry.Gate.Release();
                return (ErrorCode.NotCoordinator, null, null);
            }

            return (ErrorCode.None, partition, entry);
        }
    }

    /// <summary>
    /// Releases the gate taken by <see cref="AcquireAsync"/>. An entry that still has no row (a request
    /// for an id nobody initialised, or a first InitProducerId that failed) leaves the partition, so ids
    /// clients merely name do not pile up in memory; a request waiting on it looks the id up again.
    /// </summary>
    private static void Release(CoordinatorPartition partition, TransactionEntry entry)
    {
        if (entry.Stored is null)
        {
            entry.Removed = true;
            partition.Entries.TryRemove(new KeyValuePair<string, TransactionEntry>(entry.TransactionalId, entry));
        }

        entry.Gate.Release();
    }

    /// <summary>Whether this coordinator answers for partition <paramref name="number"/> now.</summary>
    private ErrorCode Ownership(int number, out CoordinatorPartition? partition)
    {
        if (_isFenced() || !_partitions.TryGetValue(number, out partition))
        {
            partition = null;
            return ErrorCode.NotCoordinator;
        }

        return partition.Loaded ? ErrorCode.None : ErrorCode.CoordinatorLoadInProgress;
    }

    private bool IsCurrent(CoordinatorPartition partition) =>
        _partitions.TryGetValue(partition.Partition, out var current) && ReferenceEquals(current, partition) && !_isFenced();

    /// <summary>
    /// Writes <paramref name="next"/> over the entry's row with a compare-and-swap on the version this
    /// coordinator holds (insert-if-absent for a new id). False when another writer got there first; the
    /// entry then holds what the store holds, or the whole partition is unloaded if a newer coordinator
    /// wrote it, and the request answers NOT_COORDINATOR so the client finds the coordinator again.
    /// </summary>
    private async Task<bool> WriteAsync(CoordinatorPartition partition, TransactionEntry entry, TransactionMetadata next, CancellationToken ct)
    {
        var current = entry.Metadata;
        if (current is not null && !TransactionStateTransitions.IsValid(current.State, next.State))
        {
            throw new InvalidOperationException($"Transaction state of '{entry.TransactionalId}' cannot move from {current.State} to {next.State}.");
        }

        var stored = await _store.WriteAsync(next with { CoordinatorEpoch = partition.CoordinatorEpoch }, entry.Stored?.ETag, ct).ConfigureAwait(false);
        if (stored is not null)
        {
            entry.Stored = stored;
            return true;
        }

        await OnConflictAsync(partition, entry, ct).ConfigureAwait(false);
        return false;
    }

    /// <summary>
    /// A lost compare-and-swap. A row written by a newer coordinator epoch means the partition moved:
    /// give all of it up. Otherwise (an older coordinator that has not learnt yet that it lost the
    /// partition, or a write of ours whose answer was lost) adopt the stored row and carry on with it.
    /// </summary>
    private async Task OnConflictAsync(CoordinatorPartition partition, TransactionEntry entry, CancellationToken ct)
    {
        var row = await _store.ReadAsync(partition.Partition, entry.TransactionalId, ct).ConfigureAwait(false);
        if (row is not null && row.Metadata.CoordinatorEpoch > partition.CoordinatorEpoch)
        {
            TransactionCoordinatorLog.Superseded(_logger, entry.TransactionalId, row.Metadata.CoordinatorEpoch, partition.CoordinatorEpoch, partition.Partition);
            Unload(partition);
            return;
        }

        TransactionCoordinatorLog.Reloaded(_logger, entry.TransactionalId);
        entry.Stored = row;
        if (row is not null && TransactionStateTransitions.IsPrepare(row.Metadata.State))
        {
            StartCompletion(partition, entry, row);
        }
    }

    private static List<(string Topic, int Partition)> AsTuples(IReadOnlyList<TransactionPartition> partitions) =>
        partitions.Select(p => (p.Topic, p.Partition)).ToList();

    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await StopTimersAsync().ConfigureAwait(false);
        foreach (var partition in _partitions.Values)
        {
            Unload(partition);
        }

        try
        {
            await WhenCompletionsIdleAsync().ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Completions stop when their partition is unloaded; the next coordinator resumes them.
        }
    }
}
