using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Fjord.Security.Tls;

/// <summary>
/// A private CA for local runs and tests: it makes the broker's server certificate and clients' certificates,
/// all chaining to one CA that clients put in their truststore. Not for production, where certificates come from
/// the organisation's CA (or Key Vault) and are rotated by replacing the keystore file.
/// </summary>
public sealed class LocalCertificateAuthority : IDisposable
{
    public const string CaCertificateFile = "ca.pem";
    public const string CaKeyFile = "ca.key";
    public const string BrokerChainFile = "broker.pem";
    public const string BrokerKeyFile = "broker.key";
    public const string BrokerKeystoreFile = "broker.keystore.pem";

    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1", "Server Authentication");
    private static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2", "Client Authentication");

    /// <summary>Backdating covers clocks a little behind the one that issued the certificate.</summary>
    private static readonly TimeSpan Backdate = TimeSpan.FromHours(1);

    private static readonly TimeSpan DefaultLeafValidity = TimeSpan.FromDays(397);

    /// <summary>A reused broker certificate must stay valid at least this long, or it is reissued.</summary>
    private static readonly TimeSpan RenewBefore = TimeSpan.FromDays(30);

    private readonly TimeProvider _time;

    private LocalCertificateAuthority(X509Certificate2 certificate, TimeProvider time)
    {
        Certificate = certificate;
        _time = time;
    }

    /// <summary>The CA certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>Creates a CA valid for 10 years.</summary>
    public static LocalCertificateAuthority Create(
        string subjectName = "CN=Fjord Local CA,O=Fjord",
        LocalKeyAlgorithm algorithm = LocalKeyAlgorithm.EcdsaP256,
        TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        var now = time.GetUtcNow();
        var key = NewKey(algorithm);
        var request = NewRequest(new X500DistinguishedName(subjectName), key);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        using (key)
        {
            var certificate = request.CreateSelfSigned(now - Backdate, now.AddYears(10));
            return new LocalCertificateAuthority(certificate, time);
        }
    }

    /// <summary>Loads a CA saved by <see cref="Save"/>.</summary>
    /// <exception cref="SslConfigException">The files are missing or are not a CA certificate and its key.</exception>
    public static LocalCertificateAuthority Load(string folder, TimeProvider? time = null)
    {
        var certificatePath = Path.Combine(folder, CaCertificateFile);
        var keyPath = Path.Combine(folder, CaKeyFile);
        try
        {
            var certificate = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
            var constraints = certificate.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault();
            if (constraints is not { CertificateAuthority: true })
            {
                certificate.Dispose();
                throw new SslConfigException(certificatePath, "is not a CA certificate (no BasicConstraints CA=true)");
            }
            return new LocalCertificateAuthority(certificate, time ?? TimeProvider.System);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new SslConfigException(certificatePath, $"the local CA cannot be loaded from {certificatePath} and {keyPath}: {e.Message}", e);
        }
    }

    /// <summary>Writes <c>ca.pem</c> and <c>ca.key</c> (readable by the owner only).</summary>
    public void Save(string folder)
    {
        Directory.CreateDirectory(folder);
        PrivateFile.Write(Path.Combine(folder, CaKeyFile), ExportPrivateKeyPem(Certificate));
        File.WriteAllText(Path.Combine(folder, CaCertificateFile), Certificate.ExportCertificatePem() + "\n");
    }

    /// <summary>A server certificate (serverAuth and clientAuth, so a broker can use it for mTLS to its peers too).</summary>
    public X509Certificate2 IssueServerCertificate(
        IEnumerable<string> dnsNames,
        IEnumerable<IPAddress> ipAddresses,
        string? subjectName = null,
        TimeSpan? validity = null,
        LocalKeyAlgorithm algorithm = LocalKeyAlgorithm.EcdsaP256)
    {
        ArgumentNullException.ThrowIfNull(dnsNames);
        ArgumentNullException.ThrowIfNull(ipAddresses);
        var names = dnsNames.ToList();
        var addresses = ipAddresses.ToList();
        if (names.Count == 0 && addresses.Count == 0)
            throw new ArgumentException("a server certificate needs at least one DNS name or IP address", nameof(dnsNames));

        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in names) san.AddDnsName(name);
        foreach (var address in addresses) san.AddIpAddress(address);
        subjectName ??= $"CN={(names.Count > 0 ? names[0] : addresses[0].ToString())},O=Fjord";
        return Issue(subjectName, algorithm, validity, [ServerAuth, ClientAuth], san.Build());
    }

    /// <summary>A client certificate (clientAuth) whose subject is the DN a broker maps to a principal.</summary>
    public X509Certificate2 IssueClientCertificate(string subjectDn, TimeSpan? validity = null, LocalKeyAlgorithm algorithm = LocalKeyAlgorithm.EcdsaP256)
    {
        ArgumentException.ThrowIfNullOrEmpty(subjectDn);
        return Issue(subjectDn, algorithm, validity, [ClientAuth], subjectAlternativeNames: null);
    }

    /// <summary>The certificate followed by this CA's, as <c>ssl.keystore.certificate.chain</c> expects.</summary>
    public string ExportCertificateChainPem(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return certificate.ExportCertificatePem() + "\n" + Certificate.ExportCertificatePem() + "\n";
    }

    /// <summary>The private key as PKCS#8 PEM, encrypted (AES-256, PBKDF2-SHA256) when a password is given.</summary>
    public static string ExportPrivateKeyPem(X509Certificate2 certificate, string? password = null)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        using AsymmetricAlgorithm key = (AsymmetricAlgorithm?)certificate.GetECDsaPrivateKey() ?? certificate.GetRSAPrivateKey()
            ?? throw new ArgumentException("the certificate has no ECDSA or RSA private key", nameof(certificate));
        var pem = password is null
            ? key.ExportPkcs8PrivateKeyPem()
            : key.ExportEncryptedPkcs8PrivateKeyPem(password, new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 100_000));
        return pem + "\n";
    }

    /// <summary>A PKCS12 file holding the certificate with its key and this CA's certificate.</summary>
    public byte[] ExportPkcs12(X509Certificate2 certificate, string? password)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        using var caOnly = X509CertificateLoader.LoadCertificate(Certificate.RawData);
        var collection = new X509Certificate2Collection { certificate, caOnly };
        return collection.Export(X509ContentType.Pkcs12, password)
            ?? throw new CryptographicException("PKCS12 export produced nothing");
    }

    /// <summary>
    /// Makes sure <paramref name="folder"/> holds a CA (<c>ca.pem</c>, <c>ca.key</c>) and a broker certificate for
    /// <paramref name="hosts"/> (<c>broker.pem</c> chain, <c>broker.key</c>, and <c>broker.keystore.pem</c> with
    /// both for <c>ssl.keystore.location</c>). Files that exist, chain to the CA, cover the hosts and stay valid
    /// for another 30 days are kept, so a script can call this on every start; anything else is (re)issued.
    /// Hosts that parse as IP addresses become IP SANs, the rest DNS SANs.
    /// </summary>
    public static LocalCertificateFiles EnsureLocalCertificates(string folder, IReadOnlyList<string> hosts, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentNullException.ThrowIfNull(hosts);
        if (hosts.Count == 0) throw new ArgumentException("at least one host name or address is needed", nameof(hosts));
        time ??= TimeProvider.System;
        Directory.CreateDirectory(folder);
        var files = new LocalCertificateFiles(
            Path.Combine(folder, CaCertificateFile), Path.Combine(folder, CaKeyFile),
            Path.Combine(folder, BrokerChainFile), Path.Combine(folder, BrokerKeyFile), Path.Combine(folder, BrokerKeystoreFile));

        using var ca = File.Exists(files.CaCertificatePath) && File.Exists(files.CaKeyPath)
            ? Load(folder, time)
            : CreateAndSave(folder, time);

        if (ca.IsCurrentBrokerCertificate(files, hosts)) return files;

        var addresses = new List<IPAddress>();
        var names = new List<string>();
        foreach (var host in hosts)
        {
            if (IPAddress.TryParse(host, out var address)) addresses.Add(address);
            else names.Add(host);
        }
        using var broker = ca.IssueServerCertificate(names, addresses);
        var chain = ca.ExportCertificateChainPem(broker);
        var key = ExportPrivateKeyPem(broker);
        PrivateFile.Write(files.KeyPath, key);
        PrivateFile.Write(files.KeystorePath, key + chain);
        File.WriteAllText(files.CertificateChainPath, chain);
        return files;
    }

    public void Dispose() => Certificate.Dispose();

    private static LocalCertificateAuthority CreateAndSave(string folder, TimeProvider time)
    {
        var ca = Create(time: time);
        ca.Save(folder);
        return ca;
    }

    private bool IsCurrentBrokerCertificate(LocalCertificateFiles files, IReadOnlyList<string> hosts)
    {
        if (!File.Exists(files.CertificateChainPath) || !File.Exists(files.KeyPath) || !File.Exists(files.KeystorePath)) return false;
        try
        {
            using var certificate = X509Certificate2.CreateFromPemFile(files.CertificateChainPath, files.KeyPath);
            var now = _time.GetUtcNow();
            if (certificate.NotAfter.ToUniversalTime() < (now + RenewBefore).UtcDateTime || certificate.NotBefore.ToUniversalTime() > now.UtcDateTime) return false;
            if (!ChainsToThisCa(certificate)) return false;
            return hosts.All(host => certificate.MatchesHostname(host, allowWildcards: false, allowCommonName: false));
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private bool ChainsToThisCa(X509Certificate2 certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(Certificate);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = _time.GetUtcNow().UtcDateTime;
        return chain.Build(certificate);
    }

    private X509Certificate2 Issue(string subjectName, LocalKeyAlgorithm algorithm, TimeSpan? validity, Oid[] usages, X509Extension? subjectAlternativeNames)
    {
        var now = _time.GetUtcNow();
        var notAfter = now + (validity ?? DefaultLeafValidity);
        // A certificate outliving its issuer would fail validation before its own expiry.
        var caNotAfter = new DateTimeOffset(Certificate.NotAfter.ToUniversalTime());
        if (notAfter > caNotAfter) notAfter = caNotAfter;

        using var key = NewKey(algorithm);
        // Signed with the CA's key, so the padding follows the CA's algorithm, not the new key's.
        var request = new CertificateRequest(new X500DistinguishedName(subjectName), new PublicKey(key), HashAlgorithmName.SHA256,
            Certificate.GetRSAPublicKey() is null ? null : RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        var keyUsage = key is RSA ? X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment : X509KeyUsageFlags.DigitalSignature;
        request.CertificateExtensions.Add(new X509KeyUsageExtension(keyUsage, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([.. usages], critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        if (subjectAlternativeNames is not null) request.CertificateExtensions.Add(subjectAlternativeNames);

        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F; // a positive INTEGER
        using var issued = request.Create(Certificate, now - Backdate, notAfter, serial);
        return key switch
        {
            ECDsa ecdsa => issued.CopyWithPrivateKey(ecdsa),
            RSA rsa => issued.CopyWithPrivateKey(rsa),
            _ => throw new InvalidOperationException("unexpected key type"),
        };
    }

    private static AsymmetricAlgorithm NewKey(LocalKeyAlgorithm algorithm) => algorithm switch
    {
        LocalKeyAlgorithm.EcdsaP256 => ECDsa.Create(ECCurve.NamedCurves.nistP256),
        LocalKeyAlgorithm.Rsa2048 => RSA.Create(2048),
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, null),
    };

    private static CertificateRequest NewRequest(X500DistinguishedName subject, AsymmetricAlgorithm key) => key switch
    {
        ECDsa ecdsa => new CertificateRequest(subject, ecdsa, HashAlgorithmName.SHA256),
        RSA rsa => new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
        _ => throw new InvalidOperationException("unexpected key type"),
    };
}
