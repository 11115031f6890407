using Fjord.Functions.Observability;

namespace Fjord.Functions.Maintenance;

/// <summary>Runs one reconciler task and records its outcome and duration, so a task that keeps failing shows in the metrics, not only in the logs.</summary>
public sealed class ReconcilerRun(ControlPlaneMetrics metrics, TimeProvider time)
{
    public async Task<T> RunAsync<T>(string task, Func<CancellationToken, Task<T>> run, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(run);
        var started = time.GetTimestamp();
        var succeeded = false;
        try
        {
            var result = await run(ct).ConfigureAwait(false);
            succeeded = true;
            return result;
        }
        finally
        {
            metrics.RecordRun(task, succeeded, time.GetElapsedTime(started));
        }
    }

    public void RecordItems(string task, string kind, long count) => metrics.RecordItems(task, kind, count);
}
