namespace Fjord.Broker.Server;

/// <summary>
/// Wakes long-polling fetches when a partition's high watermark moves: consumers may only
/// read below it, so an append alone is not yet news to them.
/// </summary>
public sealed class HighWatermarkSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>A task that completes at the next advance; take it before checking the state to miss nothing.</summary>
    public Task NextAdvance => Volatile.Read(ref _next).Task;

    public void Advanced() => Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
