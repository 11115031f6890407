namespace Fjord.ControlPlane.Certificates;

/// <summary>What one run of the certificate reconciler did.</summary>
/// <param name="Renewed">Broker keystores given a new key and certificate.</param>
/// <param name="RenewalsFailed">Keystores due for renewal that could not be renewed (logged; retried next run).</param>
/// <param name="ExpiringReported">Certificates only their holder can renew (tenants' CSRs, broker certificates handed out
/// through the API) reported for the first time as near expiry.</param>
/// <param name="RevocationsPruned">Revocations of certificates that expired anyway, removed from the brokers' table.</param>
/// <param name="DeletedTenantCertificatesRevoked">Certificates of deleted or deleting tenants that a failed DELETE had left unrevoked.</param>
/// <param name="CaNotAfter">The cluster CA's expiry, or null when no CA is configured.</param>
/// <param name="CaExpiring">The CA expires within <see cref="CertificateRenewalWindow.CaLead"/>: its operator must rotate it.</param>
public sealed record CertificateReconciliation(
    int Renewed,
    int RenewalsFailed,
    int ExpiringReported,
    int RevocationsPruned,
    int DeletedTenantCertificatesRevoked,
    DateTimeOffset? CaNotAfter,
    bool CaExpiring);
