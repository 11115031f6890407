using System.Net;
using System.Security.Cryptography.X509Certificates;
using Fjord.Cli;
using Fjord.ControlPlane.Tests.Functions;
using Fjord.Security.Tls;
using Fjord.Testing;

namespace Fjord.ControlPlane.Tests.Certificates;

/// <summary><c>fjord cert …</c> through the local control plane, with its own environment and files in a temporary folder.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class CertificateCliTests(ControlPlaneFixture plane) : IDisposable
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));
    private readonly TempDirectory _folder = new("fjord-cert-cli");

    public void Dispose()
    {
        _folder.Dispose();
        _timeout.Dispose();
    }

    private sealed record Run(int ExitCode, string Output, string Error);

    private async Task<Run> CertAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var environment = new Dictionary<string, string> { ["XDG_CONFIG_HOME"] = _folder.Combine("config") };
        var code = await FjordCli.RunAsync(["cert", .. args, "--api-url", plane.BaseAddress.ToString(), "--api-key", plane.OperatorKey], output, error,
            new CliEnvironment(n => environment.GetValueOrDefault(n)), _timeout.Token);
        return new Run(code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task RequestSignListAndRevokeACertificateFromTheCommandLine()
    {
        var tenant = "cc" + Guid.NewGuid().ToString("N")[..8];
        using (var client = plane.Client(plane.OperatorKey))
            (await ApiCall.SendAsync(client, HttpMethod.Put, $"/api/v1/tenants/{tenant}", "{}")).AssertStatus(HttpStatusCode.Created);
        var name = _folder.Combine("app1");

        var request = await CertAsync("request", name);
        Assert.True(request.ExitCode == 0, request.Error);
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(name + ".key"));
        Assert.Equal(1, (await CertAsync("request", name)).ExitCode);

        var signed = await CertAsync("sign", name + ".csr", "--tenant", tenant, "--user", "app1", "--validity-days", "10", "--out", name + ".pem");
        Assert.True(signed.ExitCode == 0, signed.Error);
        using var certificate = X509Certificate2.CreateFromPemFile(name + ".pem", name + ".key");
        Assert.Equal($"CN=app1,O={tenant}", DistinguishedNameFormatter.ToRfc2253(certificate.SubjectName));
        var serial = CertificateIdentity.From(certificate).SerialNumber;
        Assert.Contains(serial, signed.Error, StringComparison.Ordinal);

        var listed = await CertAsync("list", "--tenant", tenant);
        Assert.True(listed.ExitCode == 0, listed.Error);
        Assert.Contains(serial, listed.Output, StringComparison.Ordinal);

        var revoked = await CertAsync("revoke", serial, "--tenant", tenant);
        Assert.True(revoked.ExitCode == 0, revoked.Error);
        Assert.Contains($"Revoked certificate {serial}", revoked.Output, StringComparison.Ordinal);
        var json = await CertAsync("list", "--tenant", tenant, "--output", "json");
        Assert.Contains("\"revokedAt\": \"", json.Output, StringComparison.Ordinal);

        var ca = await CertAsync("ca", "--out", _folder.Combine("ca.pem"));
        Assert.True(ca.ExitCode == 0, ca.Error);
        Assert.Equal(plane.CaCertificate.Trim(), (await File.ReadAllTextAsync(_folder.Combine("ca.pem"))).Trim());
    }

    [Fact]
    public async Task ABadCsrOrAMissingUserIsAUsageError()
    {
        var bad = _folder.Combine("bad.csr");
        await File.WriteAllTextAsync(bad, "not a csr");
        Assert.Equal(2, (await CertAsync("sign", bad, "--tenant", "acme")).ExitCode);
        var refused = await CertAsync("sign", bad, "--tenant", "acme", "--user", "app1");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.StartsWith("fjord: ", refused.Error, StringComparison.Ordinal);
    }
}
