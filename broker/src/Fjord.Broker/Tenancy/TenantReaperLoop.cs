using Microsoft.Extensions.Logging;

namespace Fjord.Broker.Tenancy;

/// <summary>
/// Runs the tenant reaper every few seconds on whichever broker holds the controller lease, as Kafka's controller
/// finishes topic deletions: the control plane only marks a tenant for deletion, so a control plane that dies
/// half-way leaves nothing half-deleted, and the next pass resumes where the last one stopped.
/// </summary>
public sealed partial class TenantReaperLoop : IAsyncDisposable
{
    private readonly TenantReaper _reaper;
    private readonly Func<bool> _isController;
    private readonly ILogger _logger;
    private readonly PeriodicTimer _timer;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;

    public TenantReaperLoop(TenantReaper reaper, Func<bool> isController, TimeSpan interval, TimeProvider time, ILogger<TenantReaperLoop> logger)
    {
        _reaper = reaper;
        _isController = isController;
        _logger = logger;
        _timer = new PeriodicTimer(interval, time);
        _loop = Task.Run(() => RunAsync(_stopping.Token));
    }

    private async Task RunAsync(CancellationToken ct)
    {
        try
        {
            while (await _timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
            {
                if (!_isController()) continue;
                try
                {
                    await _reaper.ReapAsync(ct).ConfigureAwait(false);
                }
                catch (Exception e) when (!ct.IsCancellationRequested)
                {
                    LogPassFailed(e);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _timer.Dispose();
        await _loop.ConfigureAwait(false);
        _stopping.Dispose();
    }

    [LoggerMessage(EventId = 7725, Level = LogLevel.Warning, Message = "A tenant reaping pass failed; the next one retries")]
    private partial void LogPassFailed(Exception exception);
}
