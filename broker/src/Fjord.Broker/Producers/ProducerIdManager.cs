using Fjord.Cluster;
using Microsoft.Extensions.Logging;

namespace Fjord.Broker.Producers;

/// <summary>
/// Hands out producer ids from the block this broker claimed in the metadata store (Kafka's
/// RPCProducerIdManager, KIP-730). Once 90% of the current block is handed out the next block is
/// claimed in the background, so InitProducerId rarely waits on Table storage; only the very first
/// request, or one arriving while the store is slow at the end of a block, waits for a claim.
/// </summary>
/// <remarks>
/// When the block is used up and the next one cannot be had, Kafka answers COORDINATOR_LOAD_IN_PROGRESS:
/// RPCProducerIdManager.generateProducerId throws it ("Producer ID block is full. Waiting for next
/// block"), chosen over REQUEST_TIMED_OUT "since older clients treat the error as fatal", and
/// TransactionCoordinator.handleInitProducerId turns the exception into that error code. Clients retry
/// it (the Java TransactionManager re-enqueues InitProducerId on it). Fjord does the same through
/// <see cref="ProducerIdsUnavailableException"/>; unlike Kafka it first waits up to a bounded time for
/// a claim in flight, because Fjord claims the first block lazily and the first producer should not
/// have to retry.
/// </remarks>
public sealed partial class ProducerIdManager : IDisposable
{
    /// <summary>Kafka's ProducerIdManager.PID_PREFETCH_THRESHOLD.</summary>
    public const double PrefetchThreshold = 0.90;

    public static readonly TimeSpan DefaultMaxWait = TimeSpan.FromSeconds(5);

    /// <summary>After a failed claim, background prefetches pause this long (a waiting request still tries at once).</summary>
    private static readonly TimeSpan PrefetchRetryBackoff = TimeSpan.FromSeconds(1);

    private readonly IProducerIdStore _store;
    private readonly int _brokerId;
    private readonly int _blockSize;
    private readonly TimeSpan _maxWait;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _lock = new();

    private ProducerIdBlock? _current;
    private long _nextId;
    private ProducerIdBlock? _next;

    // The claim in flight, if any; completes with the failure, or null once _next holds the block.
    private Task<Exception?>? _claim;
    private long _prefetchNotBefore;

    public ProducerIdManager(IProducerIdStore store, int brokerId, TimeProvider time, ILogger<ProducerIdManager> logger,
        int blockSize = IProducerIdStore.DefaultBlockSize, TimeSpan? maxWait = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentOutOfRangeException.ThrowIfNegative(brokerId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(blockSize);
        _store = store;
        _brokerId = brokerId;
        _blockSize = blockSize;
        _maxWait = maxWait ?? DefaultMaxWait;
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// A producer id no broker of the cluster has handed out before. Throws
    /// <see cref="ProducerIdsUnavailableException"/> when the block is used up and no new one could be
    /// claimed within the wait.
    /// </summary>
    public async ValueTask<long> GenerateProducerIdAsync(CancellationToken ct)
    {
        // One deadline for the whole call: other requests may drain a new block before this one gets
        // its turn, so it may wait for more than one claim, but not for longer than the maximum wait.
        var started = _time.GetTimestamp();
        while (true)
        {
            Task<Exception?> claim;
            lock (_lock)
            {
                if (TryTakeId(out var id))
                    return id;
                claim = _claim ??= StartClaim();
            }

            var remaining = _maxWait - _time.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero)
                throw TimedOut();
            Exception? failure;
            try
            {
                failure = await claim.WaitAsync(remaining, _time, ct).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                throw TimedOut();
            }
            if (failure is not null)
                throw new ProducerIdsUnavailableException($"Could not claim a producer-id block from the metadata store: {failure.Message}", failure);
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }

    private ProducerIdsUnavailableException TimedOut() =>
        new($"No producer-id block could be claimed from the metadata store within {_maxWait.TotalSeconds:0.#} s; retry.");

    /// <summary>Takes the next id of the current block, moving on to a claimed next block when it is used up. Under the lock.</summary>
    private bool TryTakeId(out long id)
    {
        if (_current is null || _nextId > _current.LastProducerId)
        {
            if (_next is null)
            {
                id = -1;
                return false;
            }
            _current = _next;
            _next = null;
            _nextId = _current.FirstProducerId;
        }

        id = _nextId++;
        var prefetchAt = _current.FirstProducerId + (long)(_current.Size * PrefetchThreshold);
        if (id >= prefetchAt && _next is null && _claim is null && _time.GetTimestamp() >= _prefetchNotBefore)
            _claim = StartClaim();
        return true;
    }

    // Never runs inline: its completion takes the lock and clears _claim, which the caller is about to set.
    private Task<Exception?> StartClaim() => Task.Run(ClaimAsync, CancellationToken.None);

    private async Task<Exception?> ClaimAsync()
    {
        try
        {
            var block = await _store.AllocateProducerIdBlockAsync(_brokerId, _blockSize, _stopping.Token).ConfigureAwait(false);
            lock (_lock)
            {
                // Kafka's sanity check: blocks only move forward; an older one would repeat ids.
                if (_current is { } current && block.FirstProducerId <= current.LastProducerId)
                    throw new InvalidOperationException($"The store returned producer ids {block.FirstProducerId}..{block.LastProducerId}, not after the current block's {current.LastProducerId}.");
                _next = block;
                _claim = null;
            }
            LogClaimed(block.FirstProducerId, block.LastProducerId);
            return null;
        }
        catch (Exception e)
        {
            lock (_lock)
            {
                _claim = null;
                _prefetchNotBefore = _time.GetTimestamp() + (long)(PrefetchRetryBackoff.TotalSeconds * _time.TimestampFrequency);
            }
            if (!_stopping.IsCancellationRequested)
                LogClaimFailed(e.Message, e);
            return e;
        }
    }

    [LoggerMessage(EventId = 3301, Level = LogLevel.Debug, Message = "Claimed producer ids {FirstProducerId}..{LastProducerId}")]
    private partial void LogClaimed(long firstProducerId, long lastProducerId);

    [LoggerMessage(EventId = 3302, Level = LogLevel.Warning, Message = "Could not claim a producer-id block: {Reason}; InitProducerId answers COORDINATOR_LOAD_IN_PROGRESS once the current block is used up")]
    private partial void LogClaimFailed(string reason, Exception exception);
}
