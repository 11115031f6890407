using Fjord.ControlPlane.Usage;
using Microsoft.Azure.Functions.Worker;

namespace Fjord.Functions.Maintenance;

/// <summary>Every five minutes, rolls the brokers' partition stats up into each tenant's hourly usage (see <see cref="TenantUsageRollup"/>).</summary>
public sealed class UsageRollupFunction(ControlPlaneTables tables, TenantUsageRollup rollup, ReconcilerRun run)
{
    public const string TaskName = "usage";

    [Function("RollUpUsage")]
    public async Task Run([TimerTrigger("0 */5 * * * *")] TimerInfo timer, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(timer);
        await RunOnceAsync(ct).ConfigureAwait(false);
    }

    /// <returns>How many tenants were rolled up.</returns>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var tenants = await run.RunAsync(TaskName, async token =>
        {
            await tables.EnsureCreatedAsync(token).ConfigureAwait(false);
            return await rollup.RunAsync(token).ConfigureAwait(false);
        }, ct).ConfigureAwait(false);
        run.RecordItems(TaskName, "tenants", tenants);
        return tenants;
    }
}
