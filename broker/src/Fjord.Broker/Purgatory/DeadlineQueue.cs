namespace Fjord.Broker.Purgatory;

/// <summary>
/// The deadlines of every delayed operation of a purgatory, behind one timer on the injected
/// clock that is always armed for the earliest one (Kafka uses a timing wheel; a heap does the
/// same job at the request rates of one broker). Removing an operation that completed early
/// is lazy: its entry is skipped when it comes up.
/// </summary>
internal sealed class DeadlineQueue : IDisposable
{
    private readonly TimeProvider _time;
    private readonly Action<DelayedOperation> _expire;
    private readonly PriorityQueue<DelayedOperation, long> _queue = new();
    private readonly ITimer _timer;
    private readonly Lock _lock = new();
    private long _armedFor = long.MaxValue;
    private int _live;
    private bool _disposed;

    public DeadlineQueue(TimeProvider time, Action<DelayedOperation> expire)
    {
        _time = time;
        _expire = expire;
        _timer = time.CreateTimer(_ => Fire(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Operations added and neither completed nor expired.</summary>
    public int Count => Volatile.Read(ref _live);

    public void Add(DelayedOperation operation)
    {
        lock (_lock)
        {
            if (_disposed) return;
            if (operation.Scheduled) return;
            operation.Scheduled = true;
            _queue.Enqueue(operation, operation.DeadlineTimestamp);
            _live++;
            if (operation.DeadlineTimestamp < _armedFor) Arm(operation.DeadlineTimestamp);
        }
    }

    /// <summary>An operation completed: it no longer counts. Its heap entry goes when its deadline comes.</summary>
    public void Remove(DelayedOperation operation)
    {
        lock (_lock)
        {
            if (!operation.Scheduled) return;
            operation.Scheduled = false;
            _live--;
            // Shed dead entries once they outnumber live ones, so many early completions cannot pile up.
            if (_queue.Count > 64 && _queue.Count > 2 * _live) Compact();
        }
    }

    private void Compact()
    {
        var live = _queue.UnorderedItems.Where(e => !e.Element.IsCompleted).ToList();
        _queue.Clear();
        foreach (var (operation, deadline) in live) _queue.Enqueue(operation, deadline);
    }

    private void Fire()
    {
        List<DelayedOperation>? due = null;
        lock (_lock)
        {
            if (_disposed) return;
            _armedFor = long.MaxValue;
            var now = _time.GetTimestamp();
            while (_queue.TryPeek(out var operation, out var deadline) && (deadline <= now || operation.IsCompleted))
            {
                _queue.Dequeue();
                if (!operation.IsCompleted) (due ??= []).Add(operation);
            }
            if (_queue.TryPeek(out _, out var next)) Arm(next);
        }
        if (due is null) return;
        foreach (var operation in due) _expire(operation);
    }

    private void Arm(long deadline)
    {
        _armedFor = deadline;
        var delay = _time.GetElapsedTime(_time.GetTimestamp(), deadline);
        if (delay < TimeSpan.Zero) delay = TimeSpan.Zero;
        // Timer periods are capped (about 49 days in ms); a longer deadline re-arms when this fires.
        if (delay > TimeSpan.FromDays(1)) delay = TimeSpan.FromDays(1);
        _timer.Change(delay, Timeout.InfiniteTimeSpan);
    }

    public void Dispose()
    {
        List<DelayedOperation> pending;
        lock (_lock)
        {
            _disposed = true;
            pending = [.. _queue.UnorderedItems.Select(e => e.Element)];
            _queue.Clear();
        }
        _timer.Dispose();
        foreach (var operation in pending) _expire(operation);
    }
}
