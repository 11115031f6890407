namespace Fjord.Broker.Purgatory;

/// <summary>
/// Kafka's DelayedOperation: a request that waits for a condition (enough fetchable bytes, a
/// commit) or a deadline, whichever comes first. It completes exactly once; whoever awaits
/// <see cref="Completion"/> then builds the response, off the thread that completed it.
/// </summary>
public abstract class DelayedOperation
{
    private readonly TaskCompletionSource<bool> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _completed;

    protected DelayedOperation(long deadlineTimestamp)
    {
        DeadlineTimestamp = deadlineTimestamp;
    }

    /// <summary>When the operation expires, on the purgatory's <see cref="TimeProvider"/>.</summary>
    public long DeadlineTimestamp { get; }

    public bool IsCompleted => Volatile.Read(ref _completed) != 0;

    /// <summary>True when the condition was met, false when the deadline (or a shutdown) came first.</summary>
    public Task<bool> Completion => _completion.Task;

    /// <summary>Serialises condition checks of one operation woken through several keys at once.</summary>
    internal Lock Gate { get; } = new();

    /// <summary>In its purgatory's deadline queue (guarded by the queue's lock).</summary>
    internal bool Scheduled { get; set; }

    /// <summary>
    /// Whether the operation can complete now. Cheap and side-effect free beyond bookkeeping: it runs on
    /// the thread that moved a watched key (an append, a high-watermark advance), so it must not do I/O.
    /// </summary>
    /// <param name="key">The key that moved, or null for a full check.</param>
    protected internal abstract bool CanComplete(object? key);

    internal bool TryMarkCompleted(bool satisfied)
    {
        if (Interlocked.Exchange(ref _completed, 1) != 0) return false;
        _completion.TrySetResult(satisfied);
        return true;
    }
}
