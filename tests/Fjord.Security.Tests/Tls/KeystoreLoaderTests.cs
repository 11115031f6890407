using System.Security.Cryptography.X509Certificates;
using Fjord.Security.Tls;
using Fjord.Testing;

namespace Fjord.Security.Tests.Tls;

public sealed class KeystoreLoaderTests : IDisposable
{
    private readonly TestCertificates _certs = new();
    private readonly TempDirectory _dir = new("fjord-tls");

    public void Dispose()
    {
        _certs.Dispose();
        _dir.Dispose();
    }

    private static SslKeystoreSettings Settings(params (string, string?)[] settings) =>
        SslSettings.Parse(TestCertificates.Lookup(settings)).Keystore!;

    private void AssertIsTheServerCertificate(LoadedKeystore keystore)
    {
        Assert.True(keystore.Certificate.HasPrivateKey);
        Assert.Equal(_certs.Server.Thumbprint, keystore.Certificate.Thumbprint);
        Assert.Contains(keystore.Intermediates, c => c.Thumbprint == _certs.Ca.Certificate.Thumbprint);
    }

    [Fact]
    public void LoadsAPemFileWithKeyAndChain()
    {
        var path = _dir.Combine("broker.pem");
        File.WriteAllText(path, _certs.KeystorePem(_certs.Server));
        AssertIsTheServerCertificate(KeystoreLoader.Load(Settings((SslConfigNames.KeystoreLocation, path), (SslConfigNames.KeystoreType, "PEM"))));
    }

    [Fact]
    public void LoadsInlinePem()
    {
        var keystore = KeystoreLoader.Load(Settings(
            (SslConfigNames.KeystoreCertificateChain, _certs.Ca.ExportCertificateChainPem(_certs.Server)),
            (SslConfigNames.KeystoreKey, LocalCertificateAuthority.ExportPrivateKeyPem(_certs.Server))));
        AssertIsTheServerCertificate(keystore);
    }

    [Fact]
    public void DecryptsAnEncryptedPkcs8KeyWithTheKeyPassword()
    {
        var path = _dir.Combine("broker.pem");
        File.WriteAllText(path, _certs.KeystorePem(_certs.Server, keyPassword: "s3cret"));
        AssertIsTheServerCertificate(KeystoreLoader.Load(Settings((SslConfigNames.KeystoreLocation, path), (SslConfigNames.KeyPassword, "s3cret"))));

        var inline = KeystoreLoader.Load(Settings(
            (SslConfigNames.KeystoreCertificateChain, _certs.Ca.ExportCertificateChainPem(_certs.Server)),
            (SslConfigNames.KeystoreKey, LocalCertificateAuthority.ExportPrivateKeyPem(_certs.Server, "s3cret")),
            (SslConfigNames.KeyPassword, "s3cret")));
        AssertIsTheServerCertificate(inline);
    }

    [Fact]
    public void AnEncryptedKeyWithoutOrWithAWrongPasswordNamesTheKeyPassword()
    {
        var path = _dir.Combine("broker.pem");
        File.WriteAllText(path, _certs.KeystorePem(_certs.Server, keyPassword: "s3cret"));
        Assert.Equal(SslConfigNames.KeyPassword,
            Assert.Throws<SslConfigException>(() => KeystoreLoader.Load(Settings((SslConfigNames.KeystoreLocation, path)))).Setting);
        Assert.Equal(SslConfigNames.KeyPassword,
            Assert.Throws<SslConfigException>(() => KeystoreLoader.Load(Settings((SslConfigNames.KeystoreLocation, path), (SslConfigNames.KeyPassword, "wrong")))).Setting);
    }

    [Fact]
    public void LoadsPkcs12WithItsPassword()
    {
        var path = _dir.Combine("broker.p12");
        File.WriteAllBytes(path, _certs.Ca.ExportPkcs12(_certs.Server, "p12pass"));
        AssertIsTheServerCertificate(KeystoreLoader.Load(Settings((SslConfigNames.KeystoreLocation, path), (SslConfigNames.KeystorePassword, "p12pass"))));

        var wrong = Assert.Throws<SslConfigException>(() => KeystoreLoader.Load(Settings((SslConfigNames.KeystoreLocation, path), (SslConfigNames.KeystorePassword, "nope"))));
        Assert.Equal(SslConfigNames.KeystorePassword, wrong.Setting);
    }

    [Theory]
    [InlineData("missing.pem")]
    [InlineData("missing.p12")]
    public void AMissingFileNamesThePath(string file)
    {
        var path = _dir.Combine(file);
        var error = Assert.Throws<SslConfigException>(() => KeystoreLoader.Load(Settings((SslConfigNames.KeystoreLocation, path))));
        Assert.Equal(SslConfigNames.KeystoreLocation, error.Setting);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ABrokenFileIsRefusedClearly()
    {
        var full = _certs.KeystorePem(_certs.Server);
        var cases = new[]
        {
            "not a keystore at all",
            full[..(full.Length / 2)],                                  // half written: key only
            _certs.Ca.ExportCertificateChainPem(_certs.Server),         // no key
            LocalCertificateAuthority.ExportPrivateKeyPem(_certs.Ca.Certificate) + _certs.Ca.ExportCertificateChainPem(_certs.Server), // wrong key
        };
        foreach (var contents in cases)
        {
            var path = _dir.Combine($"{Guid.NewGuid():N}.pem");
            File.WriteAllText(path, contents);
            var error = Assert.Throws<SslConfigException>(() => KeystoreLoader.Load(Settings((SslConfigNames.KeystoreLocation, path))));
            Assert.Contains(path, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void LoadsTruststoresInEveryForm()
    {
        var pem = _dir.Combine("ca.pem");
        File.WriteAllText(pem, _certs.CaPem);
        var p12 = _dir.Combine("ca.p12");
        using (var caOnly = X509CertificateLoader.LoadCertificate(_certs.Ca.Certificate.RawData))
            File.WriteAllBytes(p12, new X509Certificate2Collection(caOnly).Export(X509ContentType.Pkcs12, "tpass")!);

        foreach (var settings in new[]
        {
            SslSettings.Parse(TestCertificates.Lookup((SslConfigNames.TruststoreLocation, pem))),
            SslSettings.Parse(TestCertificates.Lookup((SslConfigNames.TruststoreCertificates, _certs.CaPem))),
            SslSettings.Parse(TestCertificates.Lookup((SslConfigNames.TruststoreLocation, p12), (SslConfigNames.TruststorePassword, "tpass"))),
        })
        {
            var loaded = TruststoreLoader.Load(settings.Truststore!);
            Assert.Equal(_certs.Ca.Certificate.Thumbprint, Assert.Single(loaded).Thumbprint);
        }

        var missing = _dir.Combine("nope.pem");
        var error = Assert.Throws<SslConfigException>(() => TruststoreLoader.Load(SslSettings.Parse(TestCertificates.Lookup((SslConfigNames.TruststoreLocation, missing))).Truststore!));
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }
}
