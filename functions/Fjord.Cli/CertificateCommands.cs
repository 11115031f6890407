using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Fjord.ControlPlane.Client.Certificates;
using Fjord.Security.Tenancy;
using Fjord.Security.Tls;

namespace Fjord.Cli;

/// <summary>
/// <c>fjord cert ca|request|sign|list|revoke</c>: the cluster CA and tenants' client certificates for mutual TLS.
/// <c>request</c> makes a key and CSR locally (the key never leaves the machine); <c>sign</c> sends the CSR to the
/// control plane, which decides the subject (<c>CN=user,O=tenant</c>) and answers the chain a client presents.
/// </summary>
internal static class CertificateCommands
{
    public static Command Build(CliContext cli) => new("cert", "The cluster CA and tenants' client certificates for mutual TLS (through the control plane's API).")
    {
        Ca(cli), Request(cli), Sign(cli), List(cli), Revoke(cli),
    };

    private static Command Ca(CliContext cli)
    {
        var output = new Option<string?>("--out") { Description = "Write the CA's PEM to this file (for ssl.ca.location) instead of printing it" };
        var command = new Command("ca", "Print the cluster CA certificate (PEM) that clients trust.") { output };
        command.SetAction((parsed, ct) => ApiCommand.RunAsync(parsed, cli, async (client, format) =>
        {
            var ca = await client.Certificates.GetCaAsync(ct).ConfigureAwait(false);
            if (parsed.GetValue(output) is { } path)
            {
                await File.WriteAllTextAsync(path, ca.CertificatePem, ct).ConfigureAwait(false);
                await cli.Error.WriteLineAsync($"Wrote the CA {ca.Subject} (expires {ca.NotAfter:u}) to {path}").ConfigureAwait(false);
            }
            else if (format == OutputFormat.Json) await ApiCommand.WriteJsonAsync(cli.Output, ca).ConfigureAwait(false);
            else await cli.Output.WriteAsync(ca.CertificatePem).ConfigureAwait(false);
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    /// <summary>Local only: an EC P-256 key (owner-only file) and a CSR for it, what <c>openssl req -new</c> would make.</summary>
    private static Command Request(CliContext cli)
    {
        var name = new Argument<string>("name") { Description = "Base name of the files: <name>.key and <name>.csr" };
        var command = new Command("request", "Make a private key (<name>.key, readable by you only) and a CSR (<name>.csr) for 'fjord cert sign'; nothing is sent.") { name };
        command.SetAction(async (parsed, ct) =>
        {
            var baseName = parsed.GetRequiredValue(name);
            var keyPath = baseName + ".key";
            var csrPath = baseName + ".csr";
            if (File.Exists(keyPath))
            {
                await cli.Error.WriteLineAsync($"fjord: {keyPath} exists; it is not overwritten (its certificates would stop working)").ConfigureAwait(false);
                return ExitCodes.Failure;
            }
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            // The subject is the control plane's to decide; this one only names the file's purpose.
            var request = new CertificateRequest($"CN={Path.GetFileName(baseName)}", key, HashAlgorithmName.SHA256);
            PrivateFile.Write(keyPath, key.ExportPkcs8PrivateKeyPem() + "\n");
            await File.WriteAllTextAsync(csrPath, request.CreateSigningRequestPem(), ct).ConfigureAwait(false);
            await cli.Output.WriteLineAsync($"Wrote {keyPath} (EC P-256, for ssl.key.location) and {csrPath} (for 'fjord cert sign {csrPath}')").ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Sign(CliContext cli)
    {
        var csr = new Argument<string>("csr") { Description = "The PKCS#10 request (PEM file), e.g. from 'fjord cert request' or 'openssl req -new'" };
        var tenant = TenantOption();
        var user = new Option<string>("--user") { Description = "The tenant's user the certificate authenticates as (principal User:<user>)", Required = true };
        var days = new Option<int?>("--validity-days") { Description = "Days the certificate stays valid (default 90, at most 397)" };
        var output = new Option<string?>("--out") { Description = "Write the chain (certificate then CA, for ssl.certificate.location) to this file" };
        var command = new Command("sign", "Have the cluster CA sign a CSR as a tenant's user; prints or writes the certificate chain.") { csr, tenant, user, days, output };
        command.SetAction((parsed, ct) => ApiCommand.RunAsync(parsed, cli, async (client, format) =>
        {
            var csrPath = parsed.GetRequiredValue(csr);
            string csrPem;
            try
            {
                csrPem = await File.ReadAllTextAsync(csrPath, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                await cli.Error.WriteLineAsync($"fjord: {csrPath} cannot be read: {e.Message}").ConfigureAwait(false);
                return ExitCodes.Usage;
            }
            var signed = await client.Certificates.SignAsync(parsed.GetRequiredValue(tenant), parsed.GetRequiredValue(user), csrPem, parsed.GetValue(days), ct).ConfigureAwait(false);
            if (parsed.GetValue(output) is { } path)
            {
                await File.WriteAllTextAsync(path, signed.ChainPem, ct).ConfigureAwait(false);
                await cli.Error.WriteLineAsync($"Signed {signed.Subject}, serial {signed.SerialNumber}, valid until {signed.NotAfter:u}; wrote the chain to {path}").ConfigureAwait(false);
            }
            if (format == OutputFormat.Json) await ApiCommand.WriteJsonAsync(cli.Output, signed).ConfigureAwait(false);
            else if (parsed.GetValue(output) is null) await cli.Output.WriteAsync(signed.ChainPem).ConfigureAwait(false);
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static Command List(CliContext cli)
    {
        var tenant = TenantOption();
        var command = new Command("list", "List a tenant's certificates: serial, user, validity, revocation.") { tenant };
        command.SetAction((parsed, ct) => ApiCommand.RunAsync(parsed, cli, async (client, format) =>
        {
            var certificates = new List<CertificateModel>();
            await foreach (var c in client.Certificates.ListAllAsync(parsed.GetRequiredValue(tenant), ct: ct).ConfigureAwait(false)) certificates.Add(c);
            if (format == OutputFormat.Json)
            {
                await ApiCommand.WriteJsonAsync(cli.Output, certificates).ConfigureAwait(false);
                return ExitCodes.Success;
            }
            if (certificates.Count == 0)
            {
                await cli.Output.WriteLineAsync("No certificates").ConfigureAwait(false);
                return ExitCodes.Success;
            }
            string[] header = ["SERIAL", "USER", "NOT AFTER", "REVOKED"];
            var rows = certificates.Select(c => new[] { c.SerialNumber, c.User, Time(c.NotAfter), c.RevokedAt is { } at ? Time(at) : "-" }).Prepend(header).ToList();
            var widths = Enumerable.Range(0, header.Length).Select(i => rows.Max(r => r[i].Length)).ToArray();
            foreach (var row in rows)
                await cli.Output.WriteLineAsync(string.Join("  ", row.Select((cell, i) => cell.PadRight(widths[i]))).TrimEnd()).ConfigureAwait(false);
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static Command Revoke(CliContext cli)
    {
        var serial = new Argument<string>("serial") { Description = "The certificate's serial number (hex; colons allowed, as openssl prints it)" };
        var tenant = TenantOption();
        var command = new Command("revoke", "Revoke a tenant's certificate: brokers refuse it and close its connections within seconds.") { serial, tenant };
        command.SetAction((parsed, ct) => ApiCommand.RunAsync(parsed, cli, async (client, format) =>
        {
            var revoked = await client.Certificates.RevokeAsync(parsed.GetRequiredValue(tenant), parsed.GetRequiredValue(serial), ct).ConfigureAwait(false);
            if (format == OutputFormat.Json) await ApiCommand.WriteJsonAsync(cli.Output, revoked).ConfigureAwait(false);
            else await cli.Output.WriteLineAsync($"Revoked certificate {revoked.SerialNumber} of {revoked.User} at {Time(revoked.RevokedAt ?? DateTimeOffset.UtcNow)}").ConfigureAwait(false);
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static Option<string> TenantOption()
    {
        var tenant = new Option<string>("--tenant") { Description = "The tenant", Required = true };
        tenant.Validators.Add(r =>
        {
            if (r.Tokens is [var token] && TenantNamespace.IdProblem(token.Value) is { } problem) r.AddError(problem);
        });
        return tenant;
    }

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
