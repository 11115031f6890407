using Fjord.ControlPlane.ApiKeys;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Fjord.Functions.Maintenance;

/// <summary>
/// The reconciler's first duty: removes API keys a week after they expired. Until then an expired key still gets
/// "expired" rather than "unknown" in its 401, which tells its holder what to do.
/// </summary>
public sealed partial class ApiKeyReaper(ControlPlaneTables tables, ApiKeyStore apiKeys, ReconcilerRun run, ILogger<ApiKeyReaper> logger)
{
    public const string TaskName = "apikeys";
    public static readonly TimeSpan Grace = TimeSpan.FromDays(7);

    [Function("ReapExpiredApiKeys")]
    public async Task Run([TimerTrigger("0 17 * * * *")] TimerInfo timer, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(timer);
        var removed = await run.RunAsync(TaskName, async token =>
        {
            await tables.EnsureCreatedAsync(token).ConfigureAwait(false);
            return await apiKeys.DeleteExpiredAsync(Grace, token).ConfigureAwait(false);
        }, ct).ConfigureAwait(false);
        run.RecordItems(TaskName, "reaped", removed);
        if (removed > 0) LogReaped(removed);
    }

    [LoggerMessage(EventId = 16100, Level = LogLevel.Information, Message = "Removed {Count} API keys that expired over a week ago")]
    private partial void LogReaped(int count);
}
