namespace Fjord.ControlPlane.Certificates;

/// <summary>
/// Reads the CA out of a Key Vault secret's value. A certificate Key Vault manages is also readable as a secret of the
/// same name: PKCS#12 in base64 (content type <c>application/x-pkcs12</c>) or PEM with key and certificate
/// (<c>application/x-pem-file</c>). A plain secret an operator set by hand is taken as PEM when it looks like PEM.
/// </summary>
public static class KeyVaultSecretContent
{
    public const string Pkcs12ContentType = "application/x-pkcs12";
    public const string PemContentType = "application/x-pem-file";

    /// <exception cref="FormatException">The value is neither PEM with a CA certificate and its key nor base64 PKCS#12 of one.</exception>
    public static CertificateAuthority Parse(string value, string? contentType)
    {
        ArgumentNullException.ThrowIfNull(value);
        var type = contentType?.Split(';', 2)[0].Trim();
        var looksLikePem = value.Contains("-----BEGIN ", StringComparison.Ordinal);
        if (string.Equals(type, PemContentType, StringComparison.OrdinalIgnoreCase) || (looksLikePem && !string.Equals(type, Pkcs12ContentType, StringComparison.OrdinalIgnoreCase)))
            return CertificateAuthority.FromPem(value, value);
        byte[] pkcs12;
        try
        {
            pkcs12 = Convert.FromBase64String(value.Trim());
        }
        catch (FormatException e)
        {
            throw new FormatException($"the secret (content type {type ?? "none"}) is neither PEM nor base64 PKCS#12", e);
        }
        return CertificateAuthority.FromPkcs12(pkcs12);
    }
}
