using System.Security.Cryptography.X509Certificates;
using Fjord.ControlPlane.Certificates;
using Fjord.Security.Tls;
using Fjord.Testing;

namespace Fjord.ControlPlane.Tests.Certificates;

/// <summary>Reading the CA from what Key Vault stores and from the local PEM files, without a vault.</summary>
public sealed class CertificateAuthoritySourceTests : IDisposable
{
    private readonly LocalCertificateAuthority _local = LocalCertificateAuthority.Create();
    private readonly TempDirectory _folder = new("ca-source");

    [Fact]
    public void AKeyVaultPemSecretWithKeyAndCertificateIsTheCa()
    {
        var pem = LocalCertificateAuthority.ExportPrivateKeyPem(_local.Certificate) + _local.Certificate.ExportCertificatePem();
        using var ca = KeyVaultSecretContent.Parse(pem, KeyVaultSecretContent.PemContentType);
        Assert.Equal(_local.Certificate.Thumbprint, ca.Certificate.Thumbprint);
        Assert.True(ca.Certificate.HasPrivateKey);
    }

    [Fact]
    public void AKeyVaultCertificateSecretInBase64Pkcs12IsTheCa()
    {
        var pkcs12 = _local.Certificate.Export(X509ContentType.Pkcs12);
        using var ca = KeyVaultSecretContent.Parse(Convert.ToBase64String(pkcs12), KeyVaultSecretContent.Pkcs12ContentType);
        Assert.Equal(_local.Certificate.Thumbprint, ca.Certificate.Thumbprint);
    }

    [Fact]
    public void APemSecretWithoutContentTypeIsReadAsPem()
    {
        var pem = _local.Certificate.ExportCertificatePem() + "\n" + LocalCertificateAuthority.ExportPrivateKeyPem(_local.Certificate);
        using var ca = KeyVaultSecretContent.Parse(pem, contentType: null);
        Assert.Equal(_local.Certificate.Thumbprint, ca.Certificate.Thumbprint);
    }

    [Fact]
    public void ASecretWithoutTheKeyOrNotACaOrGarbageIsRefusedWithAReason()
    {
        Assert.Throws<FormatException>(() => KeyVaultSecretContent.Parse(_local.Certificate.ExportCertificatePem(), KeyVaultSecretContent.PemContentType));
        Assert.Throws<FormatException>(() => KeyVaultSecretContent.Parse("not base64 !!", KeyVaultSecretContent.Pkcs12ContentType));
        Assert.Throws<FormatException>(() => KeyVaultSecretContent.Parse(Convert.ToBase64String([1, 2, 3]), null));
        using var leaf = _local.IssueClientCertificate("CN=leaf");
        var e = Assert.Throws<FormatException>(() => KeyVaultSecretContent.Parse(leaf.ExportCertificatePem() + "\n" + LocalCertificateAuthority.ExportPrivateKeyPem(leaf), null));
        Assert.Contains("not a CA", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LocalPemFilesAreTheCaAndAKeyFileOthersCanReadIsRefused()
    {
        _local.Save(_folder.Path);
        var certificate = _folder.Combine(LocalCertificateAuthority.CaCertificateFile);
        var key = _folder.Combine(LocalCertificateAuthority.CaKeyFile);
        using var source = new PemFileCertificateAuthoritySource(certificate, key);
        Assert.Equal(_local.Certificate.Thumbprint, (await source.GetAsync(CancellationToken.None)).Certificate.Thumbprint);
        if (OperatingSystem.IsWindows()) return;

        File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        File.SetLastWriteTimeUtc(key, DateTime.UtcNow.AddMinutes(1));
        var e = await Assert.ThrowsAsync<CertificateAuthorityUnavailableException>(() => source.GetAsync(CancellationToken.None));
        Assert.Contains("chmod 600", e.Message, StringComparison.Ordinal);
        Assert.True(e.Configured);
    }

    [Fact]
    public async Task WithoutACaConfiguredTheSourceSaysWhatToSet()
    {
        var e = await Assert.ThrowsAsync<CertificateAuthorityUnavailableException>(() => new UnconfiguredCertificateAuthoritySource("FJORD_CA_KEY_PATH").GetAsync(CancellationToken.None));
        Assert.False(e.Configured);
        Assert.Contains("FJORD_CA_KEY_PATH", e.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _local.Dispose();
        _folder.Dispose();
    }
}
