using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Fjord.Security.Tls;

namespace Fjord.Security.Tests.Tls;

/// <summary>A CA, a localhost server certificate and helpers to write them the ways Kafka configures them.</summary>
internal sealed class TestCertificates : IDisposable
{
    public TestCertificates(LocalKeyAlgorithm algorithm = LocalKeyAlgorithm.EcdsaP256)
    {
        Ca = LocalCertificateAuthority.Create(algorithm: algorithm);
        Server = Ca.IssueServerCertificate(["localhost"], [IPAddress.Loopback], algorithm: algorithm);
    }

    public LocalCertificateAuthority Ca { get; }
    public X509Certificate2 Server { get; }

    public string CaPem => Ca.Certificate.ExportCertificatePem();

    /// <summary>Kafka's PEM keystore file: the private key and the chain, leaf first.</summary>
    public string KeystorePem(X509Certificate2 certificate, string? keyPassword = null) =>
        LocalCertificateAuthority.ExportPrivateKeyPem(certificate, keyPassword) + Ca.ExportCertificateChainPem(certificate);

    public static Func<string, string?> Lookup(params (string Name, string? Value)[] settings)
    {
        var map = settings.ToDictionary(s => s.Name, s => s.Value);
        return name => map.GetValueOrDefault(name);
    }

    /// <summary>A client that trusts this CA, optionally presenting <paramref name="clientCertificate"/>.</summary>
    public SslClientAuthenticationOptions ClientOptions(X509Certificate2? clientCertificate = null, SslProtocols? protocols = null)
    {
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                certificate is not null && PeerCertificateValidator.ForServers([Ca.Certificate]).IsTrusted(certificate, null, out _),
        };
        if (protocols is not null) options.EnabledSslProtocols = protocols.Value;
        if (clientCertificate is not null)
            options.ClientCertificateContext = SslStreamCertificateContext.Create(clientCertificate, [Ca.Certificate], offline: true);
        return options;
    }

    public void Dispose()
    {
        Server.Dispose();
        Ca.Dispose();
    }
}
