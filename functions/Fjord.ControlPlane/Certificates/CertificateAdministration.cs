using System.Security.Cryptography.X509Certificates;
using Fjord.ControlPlane.Tenants;
using Fjord.ControlPlane.Users;
using Fjord.Security.Tenancy;
using Fjord.Security.Tls;

namespace Fjord.ControlPlane.Certificates;

/// <summary>
/// The cluster CA's work: signs tenants' CSRs for mutual TLS, issues brokers' certificates, lists and revokes them.
/// A signature is answered only once its registry row is written, so every certificate handed out can be listed and
/// revoked. A revocation is written to the brokers' revocation table first and to the registry second: a failure in
/// between leaves the certificate refused by every broker, and a retry completes the registry.
/// </summary>
public sealed class CertificateAdministration
{
    private readonly ICertificateAuthoritySource _ca;
    private readonly CertificateRegistry _registry;
    private readonly ICertificateRevocationStore _revocations;
    private readonly ITenantStore _tenants;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private Task? _initialized;

    public CertificateAdministration(ICertificateAuthoritySource ca, CertificateRegistry registry, ICertificateRevocationStore revocations, ITenantStore tenants, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(ca);
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(revocations);
        ArgumentNullException.ThrowIfNull(tenants);
        ArgumentNullException.ThrowIfNull(time);
        _ca = ca;
        _registry = registry;
        _revocations = revocations;
        _tenants = tenants;
        _time = time;
    }

    /// <summary>The CA certificate's PEM, what clients trust.</summary>
    /// <exception cref="CertificateAuthorityUnavailableException">No CA is configured or it cannot be read.</exception>
    public async Task<string> GetCaCertificatePemAsync(CancellationToken ct) => (await _ca.GetAsync(ct).ConfigureAwait(false)).CertificatePem;

    /// <summary>Signs <paramref name="csrPem"/> as <paramref name="user"/> of <paramref name="tenantId"/>, whatever subject it asks for.</summary>
    /// <exception cref="TenantAdministrationException">
    /// A bad user name, validity or CSR (Invalid); no such tenant (NotFound); the tenant is not active (Conflict).
    /// </exception>
    public async Task<SignedCertificate> SignAsync(string tenantId, string user, string? csrPem, int? validityDays, CancellationToken ct)
    {
        if (UserNames.Problem(tenantId, user) is { } problem) throw Invalid(problem);
        var days = Validity(validityDays, CertificateIssuer.DefaultClientValidityDays);
        PublicKey publicKey;
        try
        {
            publicKey = SigningRequests.ReadPublicKey(csrPem);
        }
        catch (FormatException e)
        {
            throw Invalid(e.Message);
        }
        await RequireActiveTenantAsync(tenantId, ct).ConfigureAwait(false);
        var ca = await _ca.GetAsync(ct).ConfigureAwait(false);
        await EnsureInitializedAsync(ct).ConfigureAwait(false);
        using var certificate = CertificateIssuer.IssueClientCertificate(ca, publicKey, tenantId, user, days, _time.GetUtcNow());
        var record = ToRecord(certificate, tenantId, user, []);
        await _registry.AddAsync(record, ct).ConfigureAwait(false);
        return new SignedCertificate(record, certificate.ExportCertificatePem() + "\n", CertificateIssuer.ChainPem(ca, certificate), ca.CertificatePem);
    }

    /// <summary>A new key and certificate for a broker at <paramref name="hosts"/>; the key is in the answer only.</summary>
    /// <exception cref="TenantAdministrationException">Bad hosts or validity (Invalid).</exception>
    public async Task<IssuedBrokerCertificate> IssueBrokerCertificateAsync(IReadOnlyList<string?>? hosts, int? validityDays, CancellationToken ct)
    {
        if (BrokerHostNames.Problem(hosts) is { } problem) throw Invalid(problem);
        var days = Validity(validityDays, CertificateIssuer.DefaultBrokerValidityDays);
        var names = hosts!.Select(h => h!).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var ca = await _ca.GetAsync(ct).ConfigureAwait(false);
        await EnsureInitializedAsync(ct).ConfigureAwait(false);
        using var certificate = CertificateIssuer.IssueBrokerCertificate(ca, names, days, _time.GetUtcNow());
        var record = ToRecord(certificate, tenant: null, user: null, names);
        await _registry.AddAsync(record, ct).ConfigureAwait(false);
        return new IssuedBrokerCertificate(record, CertificateIssuer.ChainPem(ca, certificate), LocalCertificateAuthority.ExportPrivateKeyPem(certificate), ca.CertificatePem);
    }

    /// <summary>The tenant's certificates in serial order, revoked ones included.</summary>
    public async Task<IReadOnlyList<CertificateRecord>> ListAsync(string tenantId, CancellationToken ct)
    {
        await RequireTenantAsync(tenantId, ct).ConfigureAwait(false);
        await EnsureInitializedAsync(ct).ConfigureAwait(false);
        return await _registry.ListAsync(tenantId, ct).ConfigureAwait(false);
    }

    /// <returns>The certificate, or null when the tenant has none of this serial number.</returns>
    public async Task<CertificateRecord?> GetAsync(string tenantId, string serialNumber, CancellationToken ct)
    {
        var serial = Serial(serialNumber);
        await RequireTenantAsync(tenantId, ct).ConfigureAwait(false);
        await EnsureInitializedAsync(ct).ConfigureAwait(false);
        return await _registry.GetAsync(tenantId, serial, ct).ConfigureAwait(false);
    }

    /// <summary>Revokes the tenant's certificate: brokers refuse it and close its connections within their poll interval. Idempotent.</summary>
    /// <exception cref="TenantAdministrationException">A malformed serial (Invalid); no such tenant or certificate (NotFound).</exception>
    public async Task<CertificateRecord> RevokeAsync(string tenantId, string serialNumber, CancellationToken ct)
    {
        var serial = Serial(serialNumber);
        await RequireTenantAsync(tenantId, ct).ConfigureAwait(false);
        await EnsureInitializedAsync(ct).ConfigureAwait(false);
        var record = await _registry.GetAsync(tenantId, serial, ct).ConfigureAwait(false)
            ?? throw new TenantAdministrationException(TenantErrorKind.NotFound, $"Tenant {tenantId} has no certificate with serial number {serial}");
        return await RevokeRecordAsync(record, ct).ConfigureAwait(false);
    }

    /// <summary>The brokers' certificates in serial order, revoked ones included.</summary>
    public async Task<IReadOnlyList<CertificateRecord>> ListBrokerCertificatesAsync(CancellationToken ct)
    {
        await EnsureInitializedAsync(ct).ConfigureAwait(false);
        return await _registry.ListAsync(tenant: null, ct).ConfigureAwait(false);
    }

    /// <summary>Revokes a broker's certificate (a broker retired or its key exposed): the other brokers refuse it as a client. Idempotent.</summary>
    /// <exception cref="TenantAdministrationException">A malformed serial (Invalid); no broker certificate of this serial (NotFound).</exception>
    public async Task<CertificateRecord> RevokeBrokerCertificateAsync(string serialNumber, CancellationToken ct)
    {
        var serial = Serial(serialNumber);
        await EnsureInitializedAsync(ct).ConfigureAwait(false);
        var record = await _registry.GetAsync(tenant: null, serial, ct).ConfigureAwait(false)
            ?? throw new TenantAdministrationException(TenantErrorKind.NotFound, $"No broker certificate has serial number {serial}");
        return await RevokeRecordAsync(record, ct).ConfigureAwait(false);
    }

    /// <summary>The brokers' table first: a failure before the registry is stamped leaves the certificate refused, and a retry stamps it.</summary>
    private async Task<CertificateRecord> RevokeRecordAsync(CertificateRecord record, CancellationToken ct)
    {
        var stored = await _revocations.RevokeAsync(
            new CertificateRevocation(new CertificateIdentity(record.Issuer, record.SerialNumber), record.RevokedAt ?? _time.GetUtcNow(), record.NotAfter), ct).ConfigureAwait(false);
        return await _registry.MarkRevokedAsync(record, stored.RevokedAt, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Revokes every certificate of the tenant not revoked yet: called when the tenant is deleted, since a tenant
    /// created again under the same id would otherwise accept the old tenant's certificates. Retrying is harmless.
    /// </summary>
    /// <returns>How many certificates this call revoked.</returns>
    public async Task<int> RevokeAllAsync(string tenantId, CancellationToken ct)
    {
        if (TenantNamespace.IdProblem(tenantId) is { } problem) throw Invalid(problem);
        await EnsureInitializedAsync(ct).ConfigureAwait(false);
        var revoked = 0;
        foreach (var record in await _registry.ListAsync(tenantId, ct).ConfigureAwait(false))
        {
            if (record.RevokedAt is not null) continue;
            await RevokeRecordAsync(record, ct).ConfigureAwait(false);
            revoked++;
        }
        return revoked;
    }

    private static CertificateRecord ToRecord(X509Certificate2 certificate, string? tenant, string? user, IReadOnlyList<string> hosts)
    {
        var identity = CertificateIdentity.From(certificate);
        return new CertificateRecord(identity.SerialNumber, tenant, user, DistinguishedNameFormatter.ToRfc2253(certificate.SubjectName), identity.Issuer, hosts,
            new DateTimeOffset(certificate.NotBefore.ToUniversalTime()), new DateTimeOffset(certificate.NotAfter.ToUniversalTime()), RevokedAt: null);
    }

    private static int Validity(int? days, int fallback)
    {
        var value = days ?? fallback;
        if (value is < 1 or > CertificateIssuer.MaxValidityDays)
            throw Invalid($"validityDays {value} must be from 1 to {CertificateIssuer.MaxValidityDays}");
        return value;
    }

    private static string Serial(string serialNumber) =>
        CertificateIdentity.NormalizeSerial(serialNumber)
        ?? throw Invalid($"'{(serialNumber.Length <= 60 ? serialNumber : serialNumber[..60] + "…")}' is not a serial number: hex digits (colons allowed), at most 20 octets");

    private async Task<Tenant> RequireTenantAsync(string tenantId, CancellationToken ct)
    {
        if (TenantNamespace.IdProblem(tenantId) is { } problem) throw Invalid(problem);
        return await _tenants.GetAsync(tenantId, ct).ConfigureAwait(false)
            ?? throw new TenantAdministrationException(TenantErrorKind.NotFound, $"No tenant {tenantId}");
    }

    private async Task RequireActiveTenantAsync(string tenantId, CancellationToken ct)
    {
        var tenant = await RequireTenantAsync(tenantId, ct).ConfigureAwait(false);
        if (tenant.State != TenantState.Active)
            throw new TenantAdministrationException(TenantErrorKind.Conflict, $"Tenant {tenantId} is {tenant.State.ToString().ToLowerInvariant()}; certificates are signed for active tenants only");
    }

    /// <summary>Creates both tables once per process; a failed attempt is forgotten, so the next request tries again.</summary>
    private Task EnsureInitializedAsync(CancellationToken ct)
    {
        lock (_lock)
        {
            if (_initialized is not { IsFaulted: false, IsCanceled: false })
                _initialized = Task.WhenAll(_registry.InitializeAsync(CancellationToken.None), _revocations.InitializeAsync(CancellationToken.None));
            return _initialized.WaitAsync(ct);
        }
    }

    private static TenantAdministrationException Invalid(string message) => new(TenantErrorKind.Invalid, message);
}
