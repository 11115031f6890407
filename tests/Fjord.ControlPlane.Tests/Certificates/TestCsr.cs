using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Fjord.ControlPlane.Tests.Certificates;

/// <summary>Keys and PKCS#10 requests as a tenant would make them with openssl, for the tests.</summary>
internal static class TestCsr
{
    public static string Ec(ECCurve curve, string subject = "CN=whoever,O=other-tenant") => Pem(ECDsa.Create(curve), subject);

    public static string Rsa(int bits, string subject = "CN=whoever") => Pem(RSA.Create(bits), subject);

    /// <summary>A key and its CSR (the key's PKCS#8 PEM, for ssl.key.location).</summary>
    public static (string KeyPem, string CsrPem) NewKeyAndCsr(string subject = "CN=ignored")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        return (key.ExportPkcs8PrivateKeyPem() + "\n", request.CreateSigningRequestPem());
    }

    /// <summary>A valid CSR with one byte of its signature flipped.</summary>
    public static string WithBadSignature()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var der = new CertificateRequest("CN=forged", key, HashAlgorithmName.SHA256).CreateSigningRequest();
        der[^3] ^= 0x01;
        return PemEncoding.WriteString("CERTIFICATE REQUEST", der);
    }

    private static string Pem(AsymmetricAlgorithm key, string subject)
    {
        using (key)
        {
            var request = key switch
            {
                ECDsa ec => new CertificateRequest(subject, ec, HashAlgorithmName.SHA256),
                RSA rsa => new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
                _ => throw new ArgumentException("unexpected key", nameof(key)),
            };
            return request.CreateSigningRequestPem();
        }
    }
}
