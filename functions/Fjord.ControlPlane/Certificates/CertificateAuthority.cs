using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Fjord.ControlPlane.Certificates;

/// <summary>
/// The cluster CA as the control plane signs with it: its certificate with the private key. Loaded from PEM (a file
/// pair locally, a Key Vault secret in Azure) or PKCS#12 (what Key Vault hands out for a certificate it manages).
/// Refuses anything that is not a CA able to sign certificates, so a misconfigured vault or path is told at once.
/// </summary>
public sealed class CertificateAuthority : IDisposable
{
    private CertificateAuthority(X509Certificate2 certificate)
    {
        Certificate = certificate;
        CertificatePem = certificate.ExportCertificatePem() + "\n";
    }

    /// <summary>The CA certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The CA certificate alone, as clients put it in their truststore.</summary>
    public string CertificatePem { get; }

    /// <summary>Loads the CA from the PEM of its certificate and of its (unencrypted) private key; both may be the same text.</summary>
    /// <exception cref="FormatException">The PEM holds no certificate, no key, a key of another certificate, or not a CA.</exception>
    public static CertificateAuthority FromPem(string certificatePem, string keyPem)
    {
        ArgumentNullException.ThrowIfNull(certificatePem);
        ArgumentNullException.ThrowIfNull(keyPem);
        X509Certificate2 certificate;
        try
        {
            certificate = X509Certificate2.CreateFromPem(certificatePem, keyPem);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            throw new FormatException($"the CA's PEM does not hold a certificate and its unencrypted private key: {e.Message}", e);
        }
        return Checked(certificate);
    }

    /// <summary>Loads the CA from a PKCS#12 file (no password), as Key Vault returns a managed certificate's secret.</summary>
    /// <exception cref="FormatException">Not PKCS#12, no certificate with a private key, or not a CA.</exception>
    public static CertificateAuthority FromPkcs12(byte[] pkcs12)
    {
        ArgumentNullException.ThrowIfNull(pkcs12);
        X509Certificate2Collection all;
        try
        {
            all = X509CertificateLoader.LoadPkcs12Collection(pkcs12, password: null, X509KeyStorageFlags.EphemeralKeySet);
        }
        catch (CryptographicException e)
        {
            throw new FormatException($"the CA's PKCS#12 cannot be read: {e.Message}", e);
        }
        X509Certificate2? withKey = null;
        foreach (var certificate in all)
        {
            if (withKey is null && certificate.HasPrivateKey) withKey = certificate;
            else certificate.Dispose();
        }
        return Checked(withKey ?? throw new FormatException("the CA's PKCS#12 holds no certificate with a private key"));
    }

    public void Dispose() => Certificate.Dispose();

    private static CertificateAuthority Checked(X509Certificate2 certificate)
    {
        var problem = certificate.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault() is not { CertificateAuthority: true }
            ? "is not a CA certificate (no BasicConstraints CA=true)"
            : certificate.Extensions.OfType<X509KeyUsageExtension>().FirstOrDefault() is { } usage && !usage.KeyUsages.HasFlag(X509KeyUsageFlags.KeyCertSign)
                ? "may not sign certificates (its KeyUsage lacks keyCertSign)"
                : certificate.GetECDsaPrivateKey() is null && certificate.GetRSAPrivateKey() is null
                    ? "has no ECDSA or RSA private key"
                    : null;
        if (problem is null) return new CertificateAuthority(certificate);
        var subject = certificate.Subject;
        certificate.Dispose();
        throw new FormatException($"the certificate {subject} {problem}");
    }
}
