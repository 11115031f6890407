using System.Collections.Concurrent;

namespace Fjord.Broker.Purgatory;

/// <summary>
/// Kafka's DelayedOperationPurgatory: operations wait on keys (partitions) and on one deadline
/// queue. Whoever moves a key calls <see cref="CheckAndComplete"/>, which re-checks only the
/// operations watching that key; the deadline queue expires the rest. Nothing polls, and an
/// operation never looks at partitions that did not move.
/// </summary>
public sealed class DelayedOperationPurgatory<TKey> : IDisposable
    where TKey : notnull
{
    // Completed operations linger in the watch lists of keys that did not move; sweep them out
    // after this many completions so a busy purgatory does not grow without bound (Kafka: purgeInterval).
    private const int PurgeInterval = 1000;

    private readonly ConcurrentDictionary<TKey, WatchList> _watchers = new();
    private readonly DeadlineQueue _deadlines;
    private int _completionsSincePurge;

    public DelayedOperationPurgatory(string name, TimeProvider time)
    {
        Name = name;
        _deadlines = new DeadlineQueue(time, operation => Expire(operation));
    }

    public string Name { get; }

    /// <summary>Operations waiting (watched and not yet completed or expired).</summary>
    public int Delayed => _deadlines.Count;

    /// <summary>
    /// Completes <paramref name="operation"/> at once if it can; otherwise it waits on
    /// <paramref name="keys"/> and its deadline. Returns true when it completed here.
    /// </summary>
    public bool TryCompleteElseWatch(DelayedOperation operation, IEnumerable<TKey> keys)
    {
        if (TryComplete(operation, null)) return true;
        foreach (var key in keys)
        {
            if (operation.IsCompleted) return false;
            _watchers.GetOrAdd(key, static _ => new WatchList()).Add(operation);
        }
        // A key may have moved between the first check and the watch: check once more, now watched.
        if (TryComplete(operation, null)) return true;
        _deadlines.Add(operation);
        if (operation.IsCompleted) _deadlines.Remove(operation);
        return false;
    }

    /// <summary>Re-checks the operations watching <paramref name="key"/>; returns how many completed.</summary>
    public int CheckAndComplete(TKey key)
    {
        if (!_watchers.TryGetValue(key, out var watchers)) return 0;
        var completed = watchers.CompleteWhere(operation => TryCompleteHere(operation, key));
        if (completed > 0 && Interlocked.Add(ref _completionsSincePurge, completed) >= PurgeInterval) Purge();
        return completed;
    }

    /// <summary>Completes every watching operation as if its deadline had passed (shutdown, role change).</summary>
    public void ExpireAll(TKey key)
    {
        if (_watchers.TryGetValue(key, out var watchers)) watchers.CompleteWhere(Expire);
    }

    private bool TryComplete(DelayedOperation operation, object? key) => TryCompleteHere(operation, key) != Outcome.Waiting;

    /// <summary>Completes the operation if it can, saying whether this call did it (several keys may wake one operation at once).</summary>
    private Outcome TryCompleteHere(DelayedOperation operation, object? key)
    {
        if (operation.IsCompleted) return Outcome.CompletedElsewhere;
        bool ready;
        lock (operation.Gate)
        {
            ready = !operation.IsCompleted && operation.CanComplete(key);
        }
        if (!ready) return operation.IsCompleted ? Outcome.CompletedElsewhere : Outcome.Waiting;
        if (!operation.TryMarkCompleted(satisfied: true)) return Outcome.CompletedElsewhere;
        _deadlines.Remove(operation);
        return Outcome.CompletedHere;
    }

    private Outcome Expire(DelayedOperation operation)
    {
        var here = operation.TryMarkCompleted(satisfied: false);
        _deadlines.Remove(operation);
        return here ? Outcome.CompletedHere : Outcome.CompletedElsewhere;
    }

    private void Purge()
    {
        Interlocked.Exchange(ref _completionsSincePurge, 0);
        foreach (var (key, watchers) in _watchers)
        {
            watchers.CompleteWhere(static operation => operation.IsCompleted ? Outcome.CompletedElsewhere : Outcome.Waiting);
            if (watchers.IsEmpty) _watchers.TryRemove(new KeyValuePair<TKey, WatchList>(key, watchers));
        }
    }

    public void Dispose()
    {
        _deadlines.Dispose();
        foreach (var watchers in _watchers.Values) watchers.CompleteWhere(Expire);
    }

    /// <summary>The operations waiting on one key.</summary>
    private sealed class WatchList
    {
        private readonly List<DelayedOperation> _operations = [];

        public bool IsEmpty
        {
            get
            {
                lock (_operations) return _operations.Count == 0;
            }
        }

        public void Add(DelayedOperation operation)
        {
            lock (_operations) _operations.Add(operation);
        }

        /// <summary>Drops every operation <paramref name="check"/> finds completed; returns how many it completed itself.</summary>
        public int CompleteWhere(Func<DelayedOperation, Outcome> check)
        {
            DelayedOperation[] snapshot;
            lock (_operations)
            {
                if (_operations.Count == 0) return 0;
                snapshot = [.. _operations];
            }
            var completed = 0;
            HashSet<DelayedOperation>? finished = null;
            foreach (var operation in snapshot)
            {
                var outcome = check(operation);
                if (outcome == Outcome.Waiting) continue;
                (finished ??= new HashSet<DelayedOperation>(ReferenceEqualityComparer.Instance)).Add(operation);
                if (outcome == Outcome.CompletedHere) completed++;
            }
            if (finished is not null)
            {
                lock (_operations) _operations.RemoveAll(finished.Contains);
            }
            return completed;
        }
    }

    private enum Outcome
    {
        Waiting,
        CompletedHere,
        CompletedElsewhere,
    }
}
