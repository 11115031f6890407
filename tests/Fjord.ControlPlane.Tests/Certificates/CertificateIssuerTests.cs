using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Fjord.ControlPlane.Certificates;
using Fjord.Security.Principals;
using Fjord.Security.Tls;

namespace Fjord.ControlPlane.Tests.Certificates;

public sealed class CertificateIssuerTests : IDisposable
{
    private const string TenantMappingRule = "RULE:^CN=(.*?),O=(.*?)$/$2.$1/";

    private readonly LocalCertificateAuthority _local = LocalCertificateAuthority.Create();
    private readonly CertificateAuthority _ca;

    public CertificateIssuerTests()
    {
        _ca = CertificateAuthority.FromPem(_local.Certificate.ExportCertificatePem(), LocalCertificateAuthority.ExportPrivateKeyPem(_local.Certificate));
    }

    [Fact]
    public void AClientCertificateNamesTheUserAndTenantWhateverTheRequestSaid()
    {
        var key = SigningRequests.ReadPublicKey(TestCsr.Ec(ECCurve.NamedCurves.nistP256, "CN=root,O=other-tenant,OU=admins"));
        using var certificate = CertificateIssuer.IssueClientCertificate(_ca, key, "acme", "app1", 90, DateTimeOffset.UtcNow);

        Assert.Equal("CN=app1,O=acme", DistinguishedNameFormatter.ToRfc2253(certificate.SubjectName));
        var mapper = SslPrincipalMapper.Parse(TenantMappingRule);
        Assert.Equal(KafkaPrincipal.User("acme.app1"), mapper.PrincipalFor(certificate));
    }

    [Fact]
    public void AClientCertificateIsForClientAuthOnlyIsNoCaAndChainsToTheClusterCa()
    {
        var key = SigningRequests.ReadPublicKey(TestCsr.Rsa(2048));
        using var certificate = CertificateIssuer.IssueClientCertificate(_ca, key, "acme", "app1", 30, DateTimeOffset.UtcNow);

        var usages = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages;
        Assert.Equal(["1.3.6.1.5.5.7.3.2"], usages.Cast<Oid>().Select(o => o.Value));
        Assert.False(certificate.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        Assert.True(PeerCertificateValidator.ForClients([_local.Certificate]).IsTrusted(certificate, null, out var reason), reason);
        Assert.False(PeerCertificateValidator.ForServers([_local.Certificate]).IsTrusted(certificate, null, out _));
    }

    [Fact]
    public void ValidityIsWhatWasAskedAndNeverOutlastsTheCa()
    {
        var now = DateTimeOffset.UtcNow;
        var key = SigningRequests.ReadPublicKey(TestCsr.Ec(ECCurve.NamedCurves.nistP256));
        using var thirty = CertificateIssuer.IssueClientCertificate(_ca, key, "acme", "app1", 30, now);
        Assert.InRange(thirty.NotAfter.ToUniversalTime(), now.AddDays(30).UtcDateTime.AddSeconds(-1), now.AddDays(30).UtcDateTime.AddSeconds(1));

        // Ten years on, the CA has less than 397 days left: the certificate ends with it.
        var late = new DateTimeOffset(_local.Certificate.NotAfter.ToUniversalTime()).AddDays(-10);
        using var clamped = CertificateIssuer.IssueClientCertificate(_ca, key, "acme", "app1", 397, late);
        Assert.Equal(_local.Certificate.NotAfter.ToUniversalTime(), clamped.NotAfter.ToUniversalTime());
    }

    [Fact]
    public void SerialNumbersAreRandomPositiveAndSixteenOctets()
    {
        var serials = Enumerable.Range(0, 200).Select(_ => Convert.ToHexString(CertificateIssuer.NewSerialNumber())).ToHashSet();
        Assert.Equal(200, serials.Count);
        Assert.All(serials, s =>
        {
            Assert.Equal(32, s.Length);
            Assert.InRange(Convert.ToByte(s[..2], 16), 0x40, 0x7F);
        });
    }

    [Fact]
    public void ABrokerCertificateCoversItsHostsForServerAndClientAuthWithItsKey()
    {
        using var certificate = CertificateIssuer.IssueBrokerCertificate(_ca, ["broker-0.fjord.internal", "10.0.0.4"], 397, DateTimeOffset.UtcNow);

        Assert.True(certificate.HasPrivateKey);
        Assert.True(certificate.MatchesHostname("broker-0.fjord.internal", allowWildcards: false, allowCommonName: false));
        Assert.True(certificate.MatchesHostname(IPAddress.Parse("10.0.0.4").ToString(), allowWildcards: false, allowCommonName: false));
        Assert.True(PeerCertificateValidator.ForServers([_local.Certificate]).IsTrusted(certificate, null, out var reason), reason);
        Assert.True(PeerCertificateValidator.ForClients([_local.Certificate]).IsTrusted(certificate, null, out reason), reason);
    }

    [Fact]
    public void TheIdentityOfAnIssuedCertificateIsItsIssuerAndSerialInOneSpelling()
    {
        var key = SigningRequests.ReadPublicKey(TestCsr.Ec(ECCurve.NamedCurves.nistP256));
        using var certificate = CertificateIssuer.IssueClientCertificate(_ca, key, "acme", "app1", 1, DateTimeOffset.UtcNow);
        var identity = CertificateIdentity.From(certificate);
        Assert.Equal(DistinguishedNameFormatter.ToRfc2253(_local.Certificate.SubjectName), identity.Issuer);
        Assert.Equal(identity.SerialNumber, CertificateIdentity.NormalizeSerial(string.Join(':', identity.SerialNumber.Chunk(2).Select(c => new string(c))).ToLowerInvariant()));
        Assert.Null(CertificateIdentity.NormalizeSerial("xyz"));
        Assert.Null(CertificateIdentity.NormalizeSerial(new string('A', 41)));
    }

    public void Dispose()
    {
        _ca.Dispose();
        _local.Dispose();
    }
}
