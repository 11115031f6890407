using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Fjord.Security.Tls;

/// <summary>
/// Reads a keystore in the forms Kafka accepts: a PEM file holding the private key and the certificate chain
/// (leaf first), the same PEM inline in the configuration, or a PKCS12 file. An encrypted PKCS#8 key is
/// decrypted with <c>ssl.key.password</c>.
/// </summary>
public static class KeystoreLoader
{
    /// <exception cref="SslConfigException">The file is missing or unreadable, or holds no usable key and certificate.</exception>
    public static LoadedKeystore Load(SslKeystoreSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Location is null)
            return FromPem(settings.CertificateChainPem!, settings.KeyPem!, settings.KeyPassword, SslConfigNames.KeystoreCertificateChain, "inline keystore");

        var location = settings.Location;
        if (settings.Type == SslStoreType.Pkcs12)
            return FromPkcs12(ReadBytes(location), settings.Password, location);
        var pem = File.Exists(location) ? ReadText(location) : throw Missing(location);
        return FromPem(pem, pem, settings.KeyPassword, SslConfigNames.KeystoreLocation, location);
    }

    private static LoadedKeystore FromPem(string chainPem, string keyPem, string? keyPassword, string setting, string what)
    {
        var chain = new X509Certificate2Collection();
        try
        {
            chain.ImportFromPem(chainPem);
        }
        catch (CryptographicException e)
        {
            throw new SslConfigException(setting, $"{what}: a CERTIFICATE block is not valid PEM/DER ({e.Message})", e);
        }
        if (chain.Count == 0)
            throw new SslConfigException(setting, $"{what} holds no -----BEGIN CERTIFICATE----- block");

        var encrypted = keyPem.Contains("-----BEGIN ENCRYPTED PRIVATE KEY-----", StringComparison.Ordinal);
        if (!encrypted && !keyPem.Contains("PRIVATE KEY-----", StringComparison.Ordinal))
            throw new SslConfigException(setting == SslConfigNames.KeystoreLocation ? setting : SslConfigNames.KeystoreKey,
                $"{what} holds no -----BEGIN PRIVATE KEY----- block");
        if (encrypted && keyPassword is null)
            throw new SslConfigException(SslConfigNames.KeyPassword, $"the private key of {what} is encrypted and ssl.key.password is not set");

        X509Certificate2 leaf;
        try
        {
            // CreateFromPem takes the first certificate: Kafka's chain is leaf first.
            leaf = encrypted
                ? X509Certificate2.CreateFromEncryptedPem(chainPem, keyPem, keyPassword)
                : X509Certificate2.CreateFromPem(chainPem, keyPem);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            // ArgumentException: the key is valid but belongs to another certificate.
            var problem = encrypted
                ? "the private key could not be decrypted with ssl.key.password, or does not belong to the first certificate"
                : "the private key is unreadable or does not belong to the first certificate";
            throw new SslConfigException(encrypted ? SslConfigNames.KeyPassword : setting, $"{what}: {problem} ({e.Message})", e);
        }

        var intermediates = new X509Certificate2Collection();
        for (var i = 1; i < chain.Count; i++) intermediates.Add(chain[i]);
        chain[0].Dispose();
        return new LoadedKeystore(UsableBySslStream(leaf), intermediates);
    }

    private static LoadedKeystore FromPkcs12(byte[] data, string? password, string location)
    {
        X509Certificate2Collection all;
        try
        {
            all = X509CertificateLoader.LoadPkcs12Collection(data, password);
        }
        catch (CryptographicException e)
        {
            throw new SslConfigException(SslConfigNames.KeystorePassword,
                $"PKCS12 keystore '{location}' could not be opened: wrong ssl.keystore.password or not a PKCS12 file ({e.Message})", e);
        }

        X509Certificate2? leaf = null;
        var intermediates = new X509Certificate2Collection();
        foreach (var certificate in all)
        {
            if (leaf is null && certificate.HasPrivateKey) leaf = certificate;
            else intermediates.Add(certificate);
        }
        return leaf is null
            ? throw new SslConfigException(SslConfigNames.KeystoreLocation, $"PKCS12 keystore '{location}' holds no certificate with a private key")
            : new LoadedKeystore(leaf, intermediates);
    }

    /// <summary>
    /// Windows' TLS stack (SChannel) cannot use the ephemeral key a PEM import gives; a round trip through
    /// PKCS12 gives it a key it can. OpenSSL (Linux, where the broker runs) uses the key as it is.
    /// </summary>
    private static X509Certificate2 UsableBySslStream(X509Certificate2 certificate)
    {
        if (!OperatingSystem.IsWindows()) return certificate;
        using (certificate)
            return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }

    internal static byte[] ReadBytes(string location)
    {
        try
        {
            return File.ReadAllBytes(location);
        }
        catch (FileNotFoundException) { throw Missing(location); }
        catch (DirectoryNotFoundException) { throw Missing(location); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SslConfigException(SslConfigNames.KeystoreLocation, $"'{location}' cannot be read: {e.Message}", e);
        }
    }

    private static string ReadText(string location)
    {
        try
        {
            return File.ReadAllText(location);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SslConfigException(SslConfigNames.KeystoreLocation, $"'{location}' cannot be read: {e.Message}", e);
        }
    }

    private static SslConfigException Missing(string location) =>
        new(SslConfigNames.KeystoreLocation, $"keystore file '{location}' does not exist");
}
