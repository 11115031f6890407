using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Fjord.Security.Tls;

/// <summary>Reads the CAs of a truststore: PEM certificates (file or inline) or a PKCS12 file.</summary>
public static class TruststoreLoader
{
    /// <exception cref="SslConfigException">The file is missing or holds no certificate.</exception>
    public static X509Certificate2Collection Load(SslTruststoreSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var setting = settings.Location is null ? SslConfigNames.TruststoreCertificates : SslConfigNames.TruststoreLocation;
        var what = settings.Location is null ? "inline truststore" : $"truststore '{settings.Location}'";
        var certificates = new X509Certificate2Collection();
        try
        {
            if (settings.Location is not null && !File.Exists(settings.Location))
                throw new SslConfigException(SslConfigNames.TruststoreLocation, $"truststore file '{settings.Location}' does not exist");
            if (settings.Type == SslStoreType.Pkcs12)
                certificates = X509CertificateLoader.LoadPkcs12Collection(File.ReadAllBytes(settings.Location!), settings.Password);
            else
                certificates.ImportFromPem(settings.Location is null ? settings.CertificatesPem! : File.ReadAllText(settings.Location));
        }
        catch (CryptographicException e)
        {
            throw new SslConfigException(settings.Type == SslStoreType.Pkcs12 ? SslConfigNames.TruststorePassword : setting,
                $"{what} could not be read ({e.Message})", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SslConfigException(setting, $"{what} cannot be read: {e.Message}", e);
        }
        return certificates.Count == 0
            ? throw new SslConfigException(setting, $"{what} holds no certificate")
            : certificates;
    }
}
