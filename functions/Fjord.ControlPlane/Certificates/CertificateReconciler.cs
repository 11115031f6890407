using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Fjord.Security.Tenancy;
using Fjord.Security.Tls;
using Microsoft.Extensions.Logging;

namespace Fjord.ControlPlane.Certificates;

/// <summary>
/// The certificate side of the reconciler, idempotent so any run may fail half-way and the next one finishes:
/// <list type="number">
/// <item>Broker keystores (where the brokers read their key and certificate) whose certificate the cluster CA signed
/// and that are within <see cref="CertificateRenewalWindow"/> of expiry get a new key and certificate for the same
/// hosts and lifetime, registered first (every certificate handed out can be listed and revoked), then written to
/// the keystore. The old certificate is not revoked: its broker presents it until it reloads the new one.</item>
/// <item>Certificates the control plane cannot renew (a tenant's, signed from a CSR whose key only the client has;
/// a broker's handed out through the API) are reported once as near expiry: logged, and stamped in the registry.</item>
/// <item>A CA within <see cref="CertificateRenewalWindow.CaLead"/> of expiry is logged as critical at every run.</item>
/// <item>Revocations of certificates that have expired are pruned: the chain check refuses them anyway.</item>
/// <item>Tenants being deleted, or gone from the tenant table, whose certificates are not all revoked (a DELETE that
/// failed between marking the tenant and revoking) get them revoked.</item>
/// </list>
/// </summary>
public sealed partial class CertificateReconciler
{
    private readonly ICertificateAuthoritySource _ca;
    private readonly CertificateRegistry _registry;
    private readonly ICertificateRevocationStore _revocations;
    private readonly CertificateAdministration _certificates;
    private readonly ITenantStore _tenants;
    private readonly IBrokerKeystoreStore _keystores;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public CertificateReconciler(ICertificateAuthoritySource ca, CertificateRegistry registry, ICertificateRevocationStore revocations, CertificateAdministration certificates,
        ITenantStore tenants, IBrokerKeystoreStore keystores, TimeProvider time, ILogger<CertificateReconciler> logger)
    {
        ArgumentNullException.ThrowIfNull(ca);
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(revocations);
        ArgumentNullException.ThrowIfNull(certificates);
        ArgumentNullException.ThrowIfNull(tenants);
        ArgumentNullException.ThrowIfNull(keystores);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _ca = ca;
        _registry = registry;
        _revocations = revocations;
        _certificates = certificates;
        _tenants = tenants;
        _keystores = keystores;
        _time = time;
        _logger = logger;
    }

    public async Task<CertificateReconciliation> RunAsync(CancellationToken ct)
    {
        await _registry.InitializeAsync(ct).ConfigureAwait(false);
        await _revocations.InitializeAsync(ct).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        // Revocations first: they close access, and need no CA.
        var revoked = await RevokeDeletedTenantsAsync(ct).ConfigureAwait(false);
        var pruned = await _revocations.PruneExpiredAsync(now, ct).ConfigureAwait(false);
        if (pruned > 0) LogPruned(pruned);

        CertificateAuthority? ca = null;
        try
        {
            ca = await _ca.GetAsync(ct).ConfigureAwait(false);
        }
        catch (CertificateAuthorityUnavailableException e) when (!e.Configured)
        {
            // No CA configured: nothing was signed, so nothing to renew; the rest is done.
        }
        DateTimeOffset? caNotAfter = ca is null ? null : new DateTimeOffset(ca.Certificate.NotAfter.ToUniversalTime());
        var caExpiring = caNotAfter is { } expiry && now >= expiry - CertificateRenewalWindow.CaLead;
        if (caExpiring) LogCaExpiring(ca!.Certificate.Subject, caNotAfter!.Value);

        var (renewed, failed, inKeystores) = ca is null ? (0, 0, new HashSet<string>()) : await RenewKeystoresAsync(ca, now, ct).ConfigureAwait(false);
        var reported = await ReportExpiringAsync(inKeystores, now, ct).ConfigureAwait(false);
        return new CertificateReconciliation(renewed, failed, reported, pruned, revoked, caNotAfter, caExpiring);
    }

    private async Task<int> RevokeDeletedTenantsAsync(CancellationToken ct)
    {
        var tenants = (await _tenants.ListAsync(ct).ConfigureAwait(false)).ToDictionary(t => t.Id, StringComparer.Ordinal);
        // An empty tenant table beside a registry full of tenants' certificates is a control plane pointed at the
        // wrong table, not every tenant deleted: only tenants marked deleting are revoked then.
        var trustAbsence = tenants.Count > 0;
        var unfinished = (await _registry.ListAllAsync(ct).ConfigureAwait(false))
            .Where(c => c.Record.Tenant is { } tenant && c.Record.RevokedAt is null
                && (tenants.TryGetValue(tenant, out var row) ? row.State == TenantState.Deleting : trustAbsence))
            .Select(c => c.Record.Tenant!)
            .Distinct(StringComparer.Ordinal);
        var revoked = 0;
        foreach (var tenant in unfinished)
        {
            var count = await _certificates.RevokeAllAsync(tenant, ct).ConfigureAwait(false);
            if (count > 0) LogRevokedDeletedTenant(tenant, count);
            revoked += count;
        }
        return revoked;
    }

    /// <returns>Counts, and the serial numbers found in keystores (whose expiry is handled here, not reported).</returns>
    private async Task<(int Renewed, int Failed, HashSet<string> Serials)> RenewKeystoresAsync(CertificateAuthority ca, DateTimeOffset now, CancellationToken ct)
    {
        var serials = new HashSet<string>(StringComparer.Ordinal);
        var renewed = 0;
        var failed = 0;
        foreach (var keystore in await _keystores.ListAsync(ct).ConfigureAwait(false))
        {
            using var current = ReadCertificate(keystore);
            if (current is null)
            {
                LogUnreadableKeystore(keystore.Name);
                continue;
            }
            serials.Add(CertificateIdentity.From(current).SerialNumber);
            var notBefore = new DateTimeOffset(current.NotBefore.ToUniversalTime());
            var notAfter = new DateTimeOffset(current.NotAfter.ToUniversalTime());
            if (!CertificateRenewalWindow.IsDue(notBefore, notAfter, now)) continue;
            if (!SignedBy(ca, current))
            {
                // Renewing under another CA would break every client that trusts the one that signed it.
                LogForeignKeystore(keystore.Name, current.Issuer, notAfter);
                failed++;
                continue;
            }
            try
            {
                await RenewAsync(ca, keystore, current, now, ct).ConfigureAwait(false);
                renewed++;
            }
            catch (Exception e) when (e is Azure.RequestFailedException or IOException or UnauthorizedAccessException or CryptographicException)
            {
                LogRenewalFailed(e, keystore.Name);
                failed++;
            }
        }
        return (renewed, failed, serials);
    }

    private async Task RenewAsync(CertificateAuthority ca, BrokerKeystore keystore, X509Certificate2 current, DateTimeOffset now, CancellationToken ct)
    {
        var hosts = HostsOf(current);
        var lifetime = (int)Math.Round((current.NotAfter - current.NotBefore).TotalDays);
        var days = Math.Clamp(lifetime, 1, CertificateIssuer.MaxValidityDays);
        using var renewed = CertificateIssuer.IssueBrokerCertificate(ca, hosts, days, now);
        var identity = CertificateIdentity.From(renewed);
        var record = new CertificateRecord(identity.SerialNumber, Tenant: null, User: null, DistinguishedNameFormatter.ToRfc2253(renewed.SubjectName), identity.Issuer, hosts,
            new DateTimeOffset(renewed.NotBefore.ToUniversalTime()), new DateTimeOffset(renewed.NotAfter.ToUniversalTime()), RevokedAt: null);
        // Registered before it is delivered: a failure in between leaves a listed, unused certificate, and the next run renews again.
        await _registry.AddAsync(record, keystore.Name, ct).ConfigureAwait(false);
        var pem = LocalCertificateAuthority.ExportPrivateKeyPem(renewed) + CertificateIssuer.ChainPem(ca, renewed);
        await _keystores.WriteAsync(keystore.Name, pem, ct).ConfigureAwait(false);
        LogRenewed(keystore.Name, CertificateIdentity.From(current).SerialNumber, record.SerialNumber, record.NotAfter);
    }

    private async Task<int> ReportExpiringAsync(HashSet<string> inKeystores, DateTimeOffset now, CancellationToken ct)
    {
        var reported = 0;
        foreach (var certificate in await _registry.ListAllAsync(ct).ConfigureAwait(false))
        {
            var record = certificate.Record;
            if (record.RevokedAt is not null || certificate.ExpiryNotedAt is not null || inKeystores.Contains(record.SerialNumber)) continue;
            // Renewals write their keystore; one replaced since is not in any keystore and needs no notice.
            if (certificate.Keystore is not null || record.NotAfter <= now) continue;
            if (!CertificateRenewalWindow.IsDue(record.NotBefore, record.NotAfter, now)) continue;
            if (record.Tenant is { } tenant) LogClientCertificateExpiring(tenant, record.User ?? "", record.SerialNumber, record.NotAfter);
            else LogBrokerCertificateExpiring(string.Join(',', record.Hosts), record.SerialNumber, record.NotAfter);
            await _registry.MarkExpiryNotedAsync(record, now, ct).ConfigureAwait(false);
            reported++;
        }
        return reported;
    }

    private static X509Certificate2? ReadCertificate(BrokerKeystore keystore)
    {
        try
        {
            // The keystore holds the key, then the broker's certificate, then the CA: the first certificate is the broker's.
            return X509Certificate2.CreateFromPem(keystore.Pem);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    private static bool SignedBy(CertificateAuthority ca, X509Certificate2 certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca.Certificate);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        // An expired certificate is exactly what needs renewing.
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.IgnoreNotTimeValid;
        return chain.Build(certificate) && chain.ChainElements.Count == 2;
    }

    private static List<string> HostsOf(X509Certificate2 certificate)
    {
        var hosts = new List<string>();
        if (certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault() is { } san)
        {
            hosts.AddRange(san.EnumerateDnsNames());
            hosts.AddRange(san.EnumerateIPAddresses().Select(a => a.ToString()));
        }
        if (hosts.Count == 0) hosts.Add(certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false));
        return hosts;
    }

    [LoggerMessage(EventId = 16200, Level = LogLevel.Information, Message = "Renewed broker keystore {Keystore}: certificate {OldSerial} replaced by {NewSerial}, valid until {NotAfter}")]
    private partial void LogRenewed(string keystore, string oldSerial, string newSerial, DateTimeOffset notAfter);

    [LoggerMessage(EventId = 16201, Level = LogLevel.Error, Message = "Renewing broker keystore {Keystore} failed; the next run retries")]
    private partial void LogRenewalFailed(Exception exception, string keystore);

    [LoggerMessage(EventId = 16202, Level = LogLevel.Error, Message = "Broker keystore {Keystore} is due for renewal (expires {NotAfter}) but was signed by {Issuer}, not the cluster CA; renew it by hand")]
    private partial void LogForeignKeystore(string keystore, string issuer, DateTimeOffset notAfter);

    [LoggerMessage(EventId = 16203, Level = LogLevel.Warning, Message = "Broker keystore {Keystore} holds no readable certificate; skipped")]
    private partial void LogUnreadableKeystore(string keystore);

    [LoggerMessage(EventId = 16204, Level = LogLevel.Warning, Message = "Tenant {Tenant}'s certificate for user {User} ({Serial}) expires {NotAfter}; the client must send a new CSR (fjord cert sign)")]
    private partial void LogClientCertificateExpiring(string tenant, string user, string serial, DateTimeOffset notAfter);

    [LoggerMessage(EventId = 16205, Level = LogLevel.Warning, Message = "Broker certificate {Serial} for {Hosts}, handed out through the API, expires {NotAfter}; issue a new one for its broker")]
    private partial void LogBrokerCertificateExpiring(string hosts, string serial, DateTimeOffset notAfter);

    [LoggerMessage(EventId = 16206, Level = LogLevel.Critical, Message = "The cluster CA {Subject} expires {NotAfter}: rotate it now (every broker and client must trust the new CA before the old one expires)")]
    private partial void LogCaExpiring(string subject, DateTimeOffset notAfter);

    [LoggerMessage(EventId = 16207, Level = LogLevel.Information, Message = "Pruned {Count} revocations of certificates that have expired")]
    private partial void LogPruned(int count);

    [LoggerMessage(EventId = 16208, Level = LogLevel.Warning, Message = "Tenant {Tenant} is deleted or being deleted but had {Count} unrevoked certificates; revoked them")]
    private partial void LogRevokedDeletedTenant(string tenant, int count);
}
