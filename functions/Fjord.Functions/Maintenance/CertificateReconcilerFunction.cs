using Fjord.ControlPlane.Certificates;
using Microsoft.Azure.Functions.Worker;

namespace Fjord.Functions.Maintenance;

/// <summary>
/// Hourly, the reconciler's certificate duties (see <see cref="CertificateReconciler"/>): renew broker keystores near
/// expiry, report certificates only their holders can renew, report a CA near expiry, prune revocations of expired
/// certificates, and finish revoking the certificates of deleted tenants.
/// </summary>
public sealed class CertificateReconcilerFunction(ControlPlaneTables tables, CertificateReconciler reconciler, ReconcilerRun run)
{
    public const string TaskName = "certificates";

    [Function("ReconcileCertificates")]
    public async Task Run([TimerTrigger("0 23 * * * *")] TimerInfo timer, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(timer);
        await RunOnceAsync(ct).ConfigureAwait(false);
    }

    /// <summary>One run, as the timer makes it (tests and the local host call it directly).</summary>
    public async Task<CertificateReconciliation> RunOnceAsync(CancellationToken ct)
    {
        var result = await run.RunAsync(TaskName, async token =>
        {
            await tables.EnsureCreatedAsync(token).ConfigureAwait(false);
            return await reconciler.RunAsync(token).ConfigureAwait(false);
        }, ct).ConfigureAwait(false);
        run.RecordItems(TaskName, "renewed", result.Renewed);
        run.RecordItems(TaskName, "renewal_failed", result.RenewalsFailed);
        run.RecordItems(TaskName, "expiry_reported", result.ExpiringReported);
        run.RecordItems(TaskName, "revocations_pruned", result.RevocationsPruned);
        run.RecordItems(TaskName, "deleted_tenant_revoked", result.DeletedTenantCertificatesRevoked);
        run.RecordItems(TaskName, "ca_expiring", result.CaExpiring ? 1 : 0);
        return result;
    }
}
