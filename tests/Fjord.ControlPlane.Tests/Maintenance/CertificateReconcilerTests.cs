using System.Security.Cryptography.X509Certificates;
using Fjord.ControlPlane.Certificates;
using Fjord.ControlPlane.Tests.Certificates;
using Fjord.ControlPlane.Tests.Functions;
using Fjord.Security.Tenancy;
using Fjord.Security.Tls;
using Fjord.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Fjord.ControlPlane.Tests.Maintenance;

/// <summary>
/// The reconciler's certificate duties against Azurite, each test on tables of its own and a fake clock moved past
/// the renewal window: what is due is renewed or revoked, and nothing else is touched.
/// </summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class CertificateReconcilerTests(ControlPlaneFixture plane) : IDisposable
{
    private static readonly string[] BrokerHosts = ["broker-0.fjord.internal", "10.0.0.4"];

    private readonly TempDirectory _folder = new("reconciler");
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..10];
    private readonly DateTimeOffset _start = DateTimeOffset.UtcNow;
    private FakeTimeProvider? _time;

    private FakeTimeProvider Time => _time ??= new FakeTimeProvider(_start);

    public void Dispose() => _folder.Dispose();

    private sealed record Setup(
        CertificateReconciler Reconciler, CertificateAdministration Certificates, CertificateRegistry Registry, TableCertificateRevocationStore Revocations,
        TableTenantStore Tenants, CertificateAuthority Ca);

    private async Task<Setup> SetUpAsync(params string[] keystorePaths)
    {
        var caFolder = _folder.Combine("ca");
        Directory.CreateDirectory(caFolder);
        using (var authority = LocalCertificateAuthority.Create()) authority.Save(caFolder);
        var source = new PemFileCertificateAuthoritySource(Path.Combine(caFolder, LocalCertificateAuthority.CaCertificateFile), Path.Combine(caFolder, LocalCertificateAuthority.CaKeyFile));
        var registry = new CertificateRegistry(plane.Service, "rcerts" + _suffix);
        var revocations = new TableCertificateRevocationStore(plane.Service, "rrevoked" + _suffix);
        var tenants = new TableTenantStore(plane.Service, "rtenants" + _suffix);
        await tenants.InitializeAsync(CancellationToken.None);
        var certificates = new CertificateAdministration(source, registry, revocations, tenants, Time);
        var reconciler = new CertificateReconciler(source, registry, revocations, certificates, tenants, new PemFileBrokerKeystoreStore(keystorePaths), Time,
            NullLogger<CertificateReconciler>.Instance);
        return new Setup(reconciler, certificates, registry, revocations, tenants, await source.GetAsync(CancellationToken.None));
    }

    private static string KeystorePem(CertificateAuthority ca, int validityDays, DateTimeOffset now)
    {
        using var certificate = CertificateIssuer.IssueBrokerCertificate(ca, BrokerHosts, validityDays, now);
        return LocalCertificateAuthority.ExportPrivateKeyPem(certificate) + CertificateIssuer.ChainPem(ca, certificate);
    }

    [Fact]
    public async Task RenewalReissuesANearExpiryBrokerCertificateAndNotAFreshOne()
    {
        var nearExpiry = _folder.Combine("broker-0.pem");
        var fresh = _folder.Combine("broker-1.pem");
        var setup = await SetUpAsync(nearExpiry, fresh, _folder.Combine("not-there-yet.pem"));
        await File.WriteAllTextAsync(nearExpiry, KeystorePem(setup.Ca, 30, _start));
        var freshPem = KeystorePem(setup.Ca, 397, _start);
        await File.WriteAllTextAsync(fresh, freshPem);
        using var old = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(nearExpiry));

        // A 30-day certificate is due 10 days (a third of its life) before it expires: not yet at day 19, due at day 21.
        Time.Advance(TimeSpan.FromDays(19));
        var early = await setup.Reconciler.RunAsync(CancellationToken.None);
        Assert.Equal(0, early.Renewed);
        Time.Advance(TimeSpan.FromDays(2));
        var due = await setup.Reconciler.RunAsync(CancellationToken.None);

        Assert.Equal(1, due.Renewed);
        Assert.Equal(0, due.RenewalsFailed);
        Assert.Equal(freshPem, await File.ReadAllTextAsync(fresh));
        var renewedPem = await File.ReadAllTextAsync(nearExpiry);
        using var renewed = X509Certificate2.CreateFromPem(renewedPem, renewedPem);
        Assert.True(renewed.HasPrivateKey);
        Assert.NotEqual(old.SerialNumber, renewed.SerialNumber);
        Assert.Equal(old.Issuer, renewed.Issuer);
        Assert.InRange(renewed.NotAfter.ToUniversalTime(), Time.GetUtcNow().AddDays(30).UtcDateTime.AddMinutes(-1), Time.GetUtcNow().AddDays(30).UtcDateTime.AddMinutes(1));
        var san = renewed.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Equal(["broker-0.fjord.internal"], san.EnumerateDnsNames());
        Assert.Equal(["10.0.0.4"], san.EnumerateIPAddresses().Select(a => a.ToString()));
        using (var chain = new X509Chain())
        {
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(setup.Ca.Certificate);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            chain.ChainPolicy.VerificationTime = Time.GetUtcNow().UtcDateTime;
            Assert.True(chain.Build(renewed));
        }
        var registered = Assert.Single(await setup.Registry.ListAsync(tenant: null, CancellationToken.None));
        Assert.Equal(CertificateIdentity.From(renewed).SerialNumber, registered.SerialNumber);
        Assert.Equal(BrokerHosts, registered.Hosts);

        // Renewed once: the next run finds a fresh certificate and leaves it.
        Assert.Equal(0, (await setup.Reconciler.RunAsync(CancellationToken.None)).Renewed);
        Assert.Equal(renewedPem, await File.ReadAllTextAsync(nearExpiry));
    }

    [Fact]
    public async Task AKeystoreSignedByAnotherCaIsReportedNotRenewed()
    {
        var keystore = _folder.Combine("foreign.pem");
        var setup = await SetUpAsync(keystore);
        using var other = LocalCertificateAuthority.Create();
        var otherFolder = _folder.Combine("other-ca");
        Directory.CreateDirectory(otherFolder);
        other.Save(otherFolder);
        using var otherCa = CertificateAuthority.FromPem(
            await File.ReadAllTextAsync(Path.Combine(otherFolder, LocalCertificateAuthority.CaCertificateFile)),
            await File.ReadAllTextAsync(Path.Combine(otherFolder, LocalCertificateAuthority.CaKeyFile)));
        var foreign = KeystorePem(otherCa, 30, _start);
        await File.WriteAllTextAsync(keystore, foreign);

        Time.Advance(TimeSpan.FromDays(25));
        var result = await setup.Reconciler.RunAsync(CancellationToken.None);

        Assert.Equal(0, result.Renewed);
        Assert.Equal(1, result.RenewalsFailed);
        Assert.Equal(foreign, await File.ReadAllTextAsync(keystore));
        Assert.Empty(await setup.Registry.ListAsync(tenant: null, CancellationToken.None));
    }

    [Fact]
    public async Task ExpiredRevocationsArePrunedAndLiveOnesKept()
    {
        var setup = await SetUpAsync();
        await setup.Revocations.InitializeAsync(CancellationToken.None);
        var expired = new CertificateRevocation(new CertificateIdentity("CN=Fjord Local CA,O=Fjord", "4A01"), _start.AddDays(-20), _start.AddDays(5));
        var live = new CertificateRevocation(new CertificateIdentity("CN=Fjord Local CA,O=Fjord", "4A02"), _start.AddDays(-20), _start.AddDays(60));
        await setup.Revocations.RevokeAsync(expired, CancellationToken.None);
        await setup.Revocations.RevokeAsync(live, CancellationToken.None);
        var versionBefore = await setup.Revocations.GetVersionAsync(CancellationToken.None);

        Time.Advance(TimeSpan.FromDays(6));
        var result = await setup.Reconciler.RunAsync(CancellationToken.None);

        Assert.Equal(1, result.RevocationsPruned);
        var (left, version) = await setup.Revocations.LoadAsync(CancellationToken.None);
        Assert.Equal([live.Certificate], left.Select(r => r.Certificate));
        // The brokers learn of the change from the version row, as with every other change of the table.
        Assert.Equal(versionBefore + 1, version);
        Assert.Equal(0, (await setup.Reconciler.RunAsync(CancellationToken.None)).RevocationsPruned);
    }

    [Fact]
    public async Task AHalfDeletedTenantGetsItsCertificatesRevoked()
    {
        var setup = await SetUpAsync();
        var tenant = "hd" + _suffix[..8];
        var kept = "hk" + _suffix[..8];
        foreach (var id in new[] { tenant, kept })
            Assert.True(await setup.Tenants.CreateAsync(new Tenant(id, id, TenantState.Active, "cluster", TenantLimits.None, _start), CancellationToken.None));
        var (_, csr) = TestCsr.NewKeyAndCsr("CN=app1");
        var signed = await setup.Certificates.SignAsync(tenant, "app1", csr, 90, CancellationToken.None);
        var other = await setup.Certificates.SignAsync(kept, "app1", csr, 90, CancellationToken.None);
        // What a DELETE leaves when it fails after marking the tenant and before revoking its certificates.
        await setup.Tenants.UpdateAsync(tenant, t => t with { State = TenantState.Deleting }, CancellationToken.None);

        var result = await setup.Reconciler.RunAsync(CancellationToken.None);

        Assert.Equal(1, result.DeletedTenantCertificatesRevoked);
        Assert.NotNull((await setup.Registry.GetAsync(tenant, signed.Record.SerialNumber, CancellationToken.None))!.RevokedAt);
        Assert.Null((await setup.Registry.GetAsync(kept, other.Record.SerialNumber, CancellationToken.None))!.RevokedAt);
        var (revoked, _) = await setup.Revocations.LoadAsync(CancellationToken.None);
        Assert.Equal([signed.Record.SerialNumber], revoked.Select(r => r.Certificate.SerialNumber));

        // The brokers' reaper removed the row before the reconciler ran: the certificates are revoked all the same.
        var (_, csr2) = TestCsr.NewKeyAndCsr("CN=app2");
        var later = await setup.Certificates.SignAsync(kept, "app2", csr2, 90, CancellationToken.None);
        await setup.Tenants.DeleteAsync(kept, CancellationToken.None);
        Assert.Equal(2, (await setup.Reconciler.RunAsync(CancellationToken.None)).DeletedTenantCertificatesRevoked);
        Assert.NotNull((await setup.Registry.GetAsync(kept, later.Record.SerialNumber, CancellationToken.None))!.RevokedAt);
    }

    [Fact]
    public async Task AClientCertificateNearExpiryIsReportedOnceAndLeftToItsHolder()
    {
        var setup = await SetUpAsync();
        var tenant = "ce" + _suffix[..8];
        Assert.True(await setup.Tenants.CreateAsync(new Tenant(tenant, tenant, TenantState.Active, "cluster", TenantLimits.None, _start), CancellationToken.None));
        var (_, csr) = TestCsr.NewKeyAndCsr("CN=app1");
        var signed = await setup.Certificates.SignAsync(tenant, "app1", csr, 9, CancellationToken.None);

        Time.Advance(TimeSpan.FromDays(5));
        Assert.Equal(0, (await setup.Reconciler.RunAsync(CancellationToken.None)).ExpiringReported);
        Time.Advance(TimeSpan.FromDays(2));
        var due = await setup.Reconciler.RunAsync(CancellationToken.None);
        var again = await setup.Reconciler.RunAsync(CancellationToken.None);

        Assert.Equal(1, due.ExpiringReported);
        Assert.Equal(0, again.ExpiringReported);
        var registered = Assert.Single(await setup.Registry.ListAllAsync(CancellationToken.None), c => c.Record.SerialNumber == signed.Record.SerialNumber);
        Assert.InRange(registered.ExpiryNotedAt!.Value, Time.GetUtcNow().AddSeconds(-1), Time.GetUtcNow().AddSeconds(1));
        Assert.Null(registered.Record.RevokedAt);
    }

    [Fact]
    public async Task ACaNearItsExpiryIsReportedAtEveryRun()
    {
        var setup = await SetUpAsync();
        var caExpiry = new DateTimeOffset(setup.Ca.Certificate.NotAfter.ToUniversalTime());

        Assert.False((await setup.Reconciler.RunAsync(CancellationToken.None)).CaExpiring);
        Time.SetUtcNow(caExpiry - TimeSpan.FromDays(89));
        var near = await setup.Reconciler.RunAsync(CancellationToken.None);

        Assert.True(near.CaExpiring);
        Assert.Equal(caExpiry, near.CaNotAfter);
    }
}
