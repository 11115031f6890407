using Microsoft.Extensions.Logging;

namespace Fjord.Broker.Membership;

/// <summary>
/// Runs one duty every few seconds on whichever broker holds the controller lease, as Kafka's controller finishes
/// topic deletions: the control plane (or a broker that died half-way) only marks what must go, and the next pass
/// on the current controller resumes where the last one stopped. A failed pass is logged and retried next tick.
/// </summary>
public sealed partial class ControllerDutyLoop : IAsyncDisposable
{
    private readonly string _name;
    private readonly Func<CancellationToken, Task> _duty;
    private readonly Func<bool> _isController;
    private readonly ILogger _logger;
    private readonly PeriodicTimer _timer;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;

    /// <param name="name">What the duty does, for the log (e.g. "tenant reaping").</param>
    public ControllerDutyLoop(string name, Func<CancellationToken, Task> duty, Func<bool> isController, TimeSpan interval, TimeProvider time, ILogger<ControllerDutyLoop> logger)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(duty);
        ArgumentNullException.ThrowIfNull(isController);
        _name = name;
        _duty = duty;
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
                    await _duty(ct).ConfigureAwait(false);
                }
                catch (Exception e) when (!ct.IsCancellationRequested)
                {
                    LogPassFailed(e, _name);
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

    [LoggerMessage(EventId = 7725, Level = LogLevel.Warning, Message = "A {Duty} pass failed; the next one retries")]
    private partial void LogPassFailed(Exception exception, string duty);
}
