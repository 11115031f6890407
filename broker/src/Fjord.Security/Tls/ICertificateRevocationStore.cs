namespace Fjord.Security.Tls;

/// <summary>
/// The revoked certificates of the cluster, written by the control plane and read by every broker. Every change
/// bumps a version row, so brokers notice it by reading one row, as with ACLs, SCRAM credentials and tenants.
/// </summary>
public interface ICertificateRevocationStore
{
    Task InitializeAsync(CancellationToken ct);

    Task<long> GetVersionAsync(CancellationToken ct);

    /// <summary>Every revocation, as of one version.</summary>
    Task<(IReadOnlyList<CertificateRevocation> Revocations, long Version)> LoadAsync(CancellationToken ct);

    /// <summary>Adds the revocation; revoking a certificate twice keeps the first one's time.</summary>
    /// <returns>The revocation as stored: this one, or the earlier one of the same certificate.</returns>
    Task<CertificateRevocation> RevokeAsync(CertificateRevocation revocation, CancellationToken ct);

    /// <summary>Removes the revocations of certificates that expired before <paramref name="now"/>: the chain check refuses those anyway.</summary>
    /// <returns>How many were removed.</returns>
    Task<int> PruneExpiredAsync(DateTimeOffset now, CancellationToken ct);
}
