using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Fjord.ControlPlane.Certificates;

/// <summary>
/// Makes the certificates the cluster CA signs. A tenant's client certificate: subject <c>CN=&lt;user&gt;,O=&lt;tenant&gt;</c>
/// (what the brokers' mapping rule <c>RULE:^CN=(.*?),O=(.*?)$/$2.$1/</c> turns into the principal <c>tenant.user</c>),
/// clientAuth only, not a CA. A broker's certificate: serverAuth and clientAuth (brokers use it towards each other
/// too), with the brokers' DNS names and addresses as SANs. Serials are 128 random bits; validity starts five minutes
/// back (clocks differ) and never outlasts the CA.
/// </summary>
public static class CertificateIssuer
{
    public const int DefaultClientValidityDays = 90;
    public const int DefaultBrokerValidityDays = 397;

    /// <summary>The CA/Browser Forum's bound for TLS certificates; long enough for a yearly rotation.</summary>
    public const int MaxValidityDays = 397;

    private static readonly TimeSpan Backdate = TimeSpan.FromMinutes(5);
    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1", "Server Authentication");
    private static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2", "Client Authentication");

    /// <summary>The subject of <paramref name="user"/>'s certificate in <paramref name="tenant"/>.</summary>
    public static X500DistinguishedName ClientSubject(string tenant, string user)
    {
        var builder = new X500DistinguishedNameBuilder();
        // The builder prints (RFC 2253, as the brokers' mapping rules see it) in the order of these calls: CN=user,O=tenant.
        builder.AddCommonName(user);
        builder.AddOrganizationName(tenant);
        return builder.Build();
    }

    /// <summary>Signs <paramref name="publicKey"/> for <paramref name="user"/> of <paramref name="tenant"/>.</summary>
    public static X509Certificate2 IssueClientCertificate(CertificateAuthority ca, PublicKey publicKey, string tenant, string user, int validityDays, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(ca);
        ArgumentNullException.ThrowIfNull(publicKey);
        var request = NewRequest(ca, ClientSubject(tenant, user), publicKey);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(KeyUsageFor(publicKey), critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([ClientAuth], critical: false));
        return Sign(ca, request, validityDays, now);
    }

    /// <summary>A new key and a certificate for a broker reached at <paramref name="hosts"/> (IP addresses become IP SANs).</summary>
    public static X509Certificate2 IssueBrokerCertificate(CertificateAuthority ca, IReadOnlyList<string> hosts, int validityDays, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(ca);
        ArgumentNullException.ThrowIfNull(hosts);
        if (hosts.Count == 0) throw new ArgumentException("a broker certificate needs at least one host", nameof(hosts));
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName(hosts[0]);
        subject.AddOrganizationName("Fjord");
        var request = NewRequest(ca, subject.Build(), new PublicKey(key));
        var san = new SubjectAlternativeNameBuilder();
        foreach (var host in hosts)
        {
            if (IPAddress.TryParse(host, out var address)) san.AddIpAddress(address);
            else san.AddDnsName(host);
        }
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([ServerAuth, ClientAuth], critical: false));
        request.CertificateExtensions.Add(san.Build());
        using var issued = Sign(ca, request, validityDays, now);
        return issued.CopyWithPrivateKey(key);
    }

    /// <summary>The certificate followed by the CA's: what <c>ssl.certificate.location</c> / <c>ssl.keystore.certificate.chain</c> take.</summary>
    public static string ChainPem(CertificateAuthority ca, X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(ca);
        ArgumentNullException.ThrowIfNull(certificate);
        return certificate.ExportCertificatePem() + "\n" + ca.CertificatePem;
    }

    /// <summary>128 random bits with the top bit clear (a positive INTEGER) and the next set (no leading zero octet to trim).</summary>
    public static byte[] NewSerialNumber()
    {
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] = (byte)((serial[0] & 0x7F) | 0x40);
        return serial;
    }

    private static CertificateRequest NewRequest(CertificateAuthority ca, X500DistinguishedName subject, PublicKey publicKey)
    {
        var request = new CertificateRequest(subject, publicKey, HashFor(ca));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(publicKey, critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca.Certificate, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        return request;
    }

    private static X509Certificate2 Sign(CertificateAuthority ca, CertificateRequest request, int validityDays, DateTimeOffset now)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(validityDays, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(validityDays, MaxValidityDays);
        var caNotAfter = new DateTimeOffset(ca.Certificate.NotAfter.ToUniversalTime());
        if (caNotAfter <= now)
            throw new CertificateAuthorityUnavailableException($"the cluster CA expired on {caNotAfter:u}; its operator rotates it", configured: true);
        var notAfter = now.AddDays(validityDays);
        // A certificate cannot outlive its issuer: one that would is cut to the CA's own expiry.
        if (notAfter > caNotAfter) notAfter = caNotAfter;
        var caNotBefore = new DateTimeOffset(ca.Certificate.NotBefore.ToUniversalTime());
        var notBefore = now - Backdate < caNotBefore ? caNotBefore : now - Backdate;
        // The generator overload: the subject's key may be RSA under an EC CA or the other way round. An RSA CA signs
        // with PKCS#1 v1.5, which every TLS stack verifies.
        using var ecKey = ca.Certificate.GetECDsaPrivateKey();
        using var rsaKey = ecKey is null ? ca.Certificate.GetRSAPrivateKey() : null;
        var generator = ecKey is not null
            ? X509SignatureGenerator.CreateForECDsa(ecKey)
            : X509SignatureGenerator.CreateForRSA(rsaKey ?? throw new CertificateAuthorityUnavailableException("the cluster CA has no ECDSA or RSA private key", configured: true), RSASignaturePadding.Pkcs1);
        return request.Create(ca.Certificate.SubjectName, generator, notBefore, notAfter, NewSerialNumber());
    }

    private static HashAlgorithmName HashFor(CertificateAuthority ca)
    {
        using var ec = ca.Certificate.GetECDsaPublicKey();
        return ec?.KeySize switch
        {
            384 => HashAlgorithmName.SHA384,
            521 => HashAlgorithmName.SHA512,
            _ => HashAlgorithmName.SHA256,
        };
    }

    private static X509KeyUsageFlags KeyUsageFor(PublicKey key) =>
        // RSA keys may also be used for key transport (TLS 1.2 RSA key exchange); EC keys only sign.
        key.Oid.Value == "1.2.840.113549.1.1.1" ? X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment : X509KeyUsageFlags.DigitalSignature;
}
