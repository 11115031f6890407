namespace Fjord.Broker.Partitions;

/// <summary>
/// A task that completes at a partition's next high-watermark move or role change, for code that
/// awaits one partition directly. Costs nothing on the produce path while nobody waits: a new
/// task is made only after one was handed out.
/// </summary>
public sealed class HighWatermarkSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _observed;

    /// <summary>A task that completes at the next advance; take it before checking the state to miss nothing.</summary>
    public Task NextAdvance
    {
        get
        {
            var task = Volatile.Read(ref _next).Task;
            Interlocked.Exchange(ref _observed, 1);
            return task;
        }
    }

    public void Advanced()
    {
        if (Interlocked.Exchange(ref _observed, 0) != 0)
            Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }
}
