using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Fjord.ControlPlane.Certificates;

/// <summary>
/// Reads a tenant's PKCS#10 certificate signing request and keeps only its public key: the request must carry a valid
/// self-signature (proof that the sender holds the private key) and a key strong enough — RSA of 2048 to 8192 bits or
/// ECDSA on P-256 or P-384, the keys every Kafka client's TLS library handles. Its subject and extensions are ignored:
/// the control plane decides what the certificate says.
/// </summary>
public static class SigningRequests
{
    public const int MinRsaBits = 2048;
    public const int MaxRsaBits = 8192;

    /// <summary>A CSR is under a kilobyte or two; this bounds the parsing work a caller can ask for.</summary>
    public const int MaxPemLength = 16 * 1024;

    private const string RsaOid = "1.2.840.113549.1.1.1";
    private const string EcOid = "1.2.840.10045.2.1";
    private const string P256Oid = "1.2.840.10045.3.1.7";
    private const string P384Oid = "1.3.132.0.34";

    /// <summary>The public key of a valid request.</summary>
    /// <exception cref="FormatException">With a message saying what to fix: not PEM, a bad signature, a weak or unsupported key.</exception>
    public static PublicKey ReadPublicKey(string? pem)
    {
        if (string.IsNullOrWhiteSpace(pem)) throw new FormatException("The CSR is empty; send the PEM of a PKCS#10 request (-----BEGIN CERTIFICATE REQUEST-----…)");
        if (pem.Length > MaxPemLength) throw new FormatException($"The CSR is {pem.Length} characters long; a PKCS#10 request is at most {MaxPemLength}");
        if (!pem.Contains("-----BEGIN CERTIFICATE REQUEST-----", StringComparison.Ordinal))
            throw new FormatException("The CSR is not PEM of a PKCS#10 request: it needs a -----BEGIN CERTIFICATE REQUEST----- block (e.g. from 'openssl req -new -key app1.key')");
        CertificateRequest request;
        try
        {
            // Verifies the request's self-signature; extensions it asks for are not even loaded.
            request = CertificateRequest.LoadSigningRequestPem(pem, HashAlgorithmName.SHA256);
        }
        catch (CryptographicException e)
        {
            throw new FormatException($"The CSR cannot be used: it does not decode, or its signature does not verify with its own key ({e.Message.TrimEnd('.')})", e);
        }
        CheckKey(request.PublicKey);
        return request.PublicKey;
    }

    /// <exception cref="FormatException">The key is not RSA of 2048 to 8192 bits nor ECDSA on P-256 or P-384.</exception>
    public static void CheckKey(PublicKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        switch (key.Oid.Value)
        {
            case RsaOid:
                {
                    using var rsa = key.GetRSAPublicKey() ?? throw new FormatException("The CSR's RSA key cannot be read");
                    if (rsa.KeySize is < MinRsaBits or > MaxRsaBits)
                        throw new FormatException($"The CSR's RSA key has {rsa.KeySize} bits; use {MinRsaBits} to {MaxRsaBits} bits (or an EC key on P-256 or P-384)");
                    return;
                }
            case EcOid:
                {
                    using var ec = key.GetECDsaPublicKey() ?? throw new FormatException("The CSR's EC key cannot be read");
                    var curve = ec.ExportParameters(includePrivateParameters: false).Curve;
                    if (curve.IsNamed && curve.Oid.Value is P256Oid or P384Oid) return;
                    throw new FormatException($"The CSR's EC key is on curve {curve.Oid.FriendlyName ?? curve.Oid.Value ?? "(explicit)"}; use P-256 or P-384 (openssl: -pkeyopt ec_paramgen_curve:P-256)");
                }
            default:
                throw new FormatException($"The CSR's key is {key.Oid.FriendlyName ?? key.Oid.Value}; use RSA (2048 bits or more) or EC on P-256 or P-384");
        }
    }
}
