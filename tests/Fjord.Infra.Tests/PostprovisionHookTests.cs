using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Fjord.Security.Credentials;

namespace Fjord.Infra.Tests;

/// <summary>
/// infra/hooks/postprovision.sh run for real (sh, openssl) with the Azure CLI and azd replaced by scripts that keep
/// Key Vault secrets and azd's environment in a folder: the certificates it makes are what the brokers need.
/// </summary>
public sealed partial class PostprovisionHookTests : IDisposable
{
    private const string AzShim = """
        #!/bin/sh
        # az keyvault secret show|set|download --vault-name V --name N [--file F] …, over files in $FAKE_VAULT/V.
        verb="$3"; shift 3
        while [ $# -gt 0 ]; do
          case "$1" in --vault-name) vault="$2"; shift 2;; --name) name="$2"; shift 2;; --file) file="$2"; shift 2;; *) shift;; esac
        done
        mkdir -p "$FAKE_VAULT/$vault"
        case "$verb" in
          show) [ -f "$FAKE_VAULT/$vault/$name" ];;
          set) cp "$file" "$FAKE_VAULT/$vault/$name";;
          download) cp "$FAKE_VAULT/$vault/$name" "$file";;
          *) echo "az shim: $verb" >&2; exit 2;;
        esac
        """;

    private const string AzdShim = """
        #!/bin/sh
        # azd env set K V
        [ "$1 $2" = "env set" ] && echo "$3=$4" >> "$FAKE_VAULT/azd.env"
        """;

    private const string DotnetShim = """
        #!/bin/sh
        # dotnet run --project …/Fjord.Cli … -- api-key create …: records its arguments, fails $FAKE_DOTNET_FAILURES times,
        # then prints a key as the CLI does (the key alone on stdout).
        echo "$*" >> "$FAKE_VAULT/dotnet.args"
        count=$(wc -l < "$FAKE_VAULT/dotnet.args")
        [ "$count" -gt "${FAKE_DOTNET_FAILURES:-0}" ] || { echo "403 AuthorizationPermissionMismatch" >&2; exit 1; }
        echo "fjk.0123456789abcdef0123.secret"
        """;

    private static readonly string[] Hosts = ["ca-broker-0-abc.nicecoast.westeurope.azurecontainerapps.io", "ca-broker-1-abc.nicecoast.westeurope.azurecontainerapps.io"];

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fjord-hook-");

    private string Vault => Path.Combine(_dir.FullName, "vault");

    private string BrokerVault => Path.Combine(Vault, "kv-test");

    private string CaVault => Path.Combine(Vault, "kv-ca-test");

    public PostprovisionHookTests()
    {
        Directory.CreateDirectory(Vault);
        var bin = Directory.CreateDirectory(Path.Combine(_dir.FullName, "bin")).FullName;
        File.WriteAllText(Path.Combine(bin, "az"), AzShim.Replace("\r\n", "\n", StringComparison.Ordinal) + "\n");
        File.WriteAllText(Path.Combine(bin, "azd"), AzdShim.Replace("\r\n", "\n", StringComparison.Ordinal) + "\n");
        File.WriteAllText(Path.Combine(bin, "dotnet"), DotnetShim.Replace("\r\n", "\n", StringComparison.Ordinal) + "\n");
        foreach (var shim in new[] { "az", "azd", "dotnet" })
            File.SetUnixFileMode(Path.Combine(bin, shim), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    [Fact]
    public async Task TheHookSeedsACaAndABrokerCertificateForEachAdvertisedHost()
    {
        var run = await RunHookAsync(tlsSecretsExist: false);
        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        Assert.Contains("FJORD_BROKER_TLS_SECRETS_EXIST=true", File.ReadAllText(Path.Combine(Vault, "azd.env")), StringComparison.Ordinal);

        using var ca = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(BrokerVault, "fjord-ca")));
        // The control plane's signing secret: the CA's key and the same certificate, as its Key Vault source parses it.
        // It is in the CA's own vault, never in the one the brokers read.
        using var signing = Fjord.ControlPlane.Certificates.KeyVaultSecretContent.Parse(File.ReadAllText(Path.Combine(CaVault, "fjord-ca-signing")), "application/x-pem-file");
        Assert.Equal(ca.Thumbprint, signing.Certificate.Thumbprint);
        Assert.Equal(["fjord-ca-signing", "fjord-operator-key"], Directory.GetFiles(CaVault).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(Directory.GetFiles(BrokerVault), f => File.ReadAllText(f).Contains("PRIVATE KEY", StringComparison.Ordinal) && !Path.GetFileName(f).StartsWith("broker-", StringComparison.Ordinal));
        for (var i = 0; i < Hosts.Length; i++)
        {
            // ssl.keystore.type=PEM: the broker's key and chain in one file.
            var keystore = File.ReadAllText(Path.Combine(BrokerVault, $"broker-{i}-keystore"));
            using var certificate = X509Certificate2.CreateFromPem(keystore, keystore);
            Assert.True(certificate.HasPrivateKey);
            Assert.True(certificate.MatchesHostname(Hosts[i]), $"broker {i}'s certificate does not name {Hosts[i]}");
            Assert.False(certificate.MatchesHostname(Hosts[1 - i]));
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            Assert.True(chain.Build(certificate), string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation)));
        }
    }

    [Fact]
    public async Task TheBrokersSaslCredentialIsStoredHashedAndMatchesThePasswordInTheirJaasConfig()
    {
        var run = await RunHookAsync(tlsSecretsExist: false);
        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        var jaas = File.ReadAllText(Path.Combine(BrokerVault, "broker-sasl-jaas"));
        Assert.StartsWith("org.apache.kafka.common.security.scram.ScramLoginModule required ", jaas, StringComparison.Ordinal);
        var password = PasswordIn().Match(jaas).Groups[1].Value;
        Assert.True(password.Length >= 32, jaas);
        Assert.Contains("username=\"fjord-broker\"", jaas, StringComparison.Ordinal);

        var users = File.ReadAllText(Path.Combine(BrokerVault, "fjord-bootstrap-users"));
        Assert.DoesNotContain(password, users, StringComparison.Ordinal);
        var entries = ScramBootstrapUsers.Parse(users);
        Assert.Equal([ScramMechanism.ScramSha512, ScramMechanism.ScramSha256], entries.Select(e => e.Mechanism));
        foreach (var entry in entries)
        {
            // What the broker computes from the password and the stored salt must be what the hook stored.
            Assert.Equal("fjord-broker", entry.User);
            Assert.True(entry.Credential.Iterations >= ScramMechanisms.MinIterations);
            var expected = ScramCredentials.Create(entry.Mechanism, password, entry.Credential.Iterations, entry.Credential.Salt);
            Assert.Equal(expected.StoredKey, entry.Credential.StoredKey);
            Assert.Equal(expected.ServerKey, entry.Credential.ServerKey);
            var wrong = ScramCredentials.Create(entry.Mechanism, password + "x", entry.Credential.Iterations, entry.Credential.Salt);
            Assert.NotEqual(wrong.StoredKey, entry.Credential.StoredKey);
        }
    }

    [Fact]
    public async Task TheFirstOperatorKeyIsMadeInTableStorageAsTheDeployerAndKeptInTheCaVault()
    {
        var run = await RunHookAsync(tlsSecretsExist: false, dotnetFailures: 2);
        Assert.True(run.ExitCode == 0, run.Output + run.Error);

        Assert.Equal("fjk.0123456789abcdef0123.secret", File.ReadAllText(Path.Combine(CaVault, "fjord-operator-key")).Trim());
        Assert.False(File.Exists(Path.Combine(BrokerVault, "fjord-operator-key")));
        var calls = File.ReadAllLines(Path.Combine(Vault, "dotnet.args"));
        Assert.Equal(3, calls.Length);
        Assert.All(calls, call => Assert.Contains("Fjord.Cli -c Release -- api-key create --table-endpoint https://sttest.table.core.windows.net/ ", call, StringComparison.Ordinal));
        Assert.Contains("retrying", run.Output, StringComparison.Ordinal);
        Assert.Contains("fjord-operator-key", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnOperatorKeyThatCannotBeMadeFailsTheHookAndStoresNothing()
    {
        var run = await RunHookAsync(tlsSecretsExist: false, dotnetFailures: 100);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("could not create the operator key", run.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(CaVault, "fjord-operator-key")));
    }

    [Fact]
    public async Task ASecondRunKeepsTheCaAndTheCertificatesItFinds()
    {
        Assert.Equal(0, (await RunHookAsync(tlsSecretsExist: false)).ExitCode);
        var before = Directory.GetFiles(Vault, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".env", StringComparison.Ordinal)).ToDictionary(f => f, File.ReadAllText);
        Assert.True(before.Count >= 6, string.Join(", ", before.Keys));
        var again = await RunHookAsync(tlsSecretsExist: true);
        Assert.True(again.ExitCode == 0, again.Output + again.Error);
        Assert.All(before, f => Assert.Equal(f.Value, File.ReadAllText(f.Key)));
        Assert.DoesNotContain("Created", again.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABrokerCountThatDisagreesWithTheBootstrapServersFails()
    {
        var run = await RunHookAsync(tlsSecretsExist: false, brokerCount: 3);
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("expected 3 brokers", run.Error, StringComparison.Ordinal);
    }

    private async Task<ProcessRun> RunHookAsync(bool tlsSecretsExist, int? brokerCount = null, int dotnetFailures = 0)
    {
        var start = new ProcessStartInfo("sh")
        {
            WorkingDirectory = RepositoryPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(RepositoryPaths.Infra, "hooks", "postprovision.sh"));
        start.Environment["PATH"] = $"{Path.Combine(_dir.FullName, "bin")}:{Environment.GetEnvironmentVariable("PATH")}";
        start.Environment["FAKE_VAULT"] = Vault;
        start.Environment["AZURE_ENV_NAME"] = "test";
        start.Environment["AZURE_KEY_VAULT_NAME"] = "kv-test";
        start.Environment["FJORD_CA_KEY_VAULT_NAME"] = "kv-ca-test";
        start.Environment["AZURE_STORAGE_TABLE_ENDPOINT"] = "https://sttest.table.core.windows.net/";
        start.Environment["FAKE_DOTNET_FAILURES"] = dotnetFailures.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["FJORD_HOOK_RETRIES"] = "3";
        start.Environment["FJORD_HOOK_RETRY_SECONDS"] = "0";
        start.Environment["AZURE_RESOURCE_GROUP"] = "rg-test";
        start.Environment["FJORD_BROKER_COUNT"] = (brokerCount ?? Hosts.Length).ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["FJORD_BOOTSTRAP_SERVERS"] = string.Join(',', Hosts.Select((h, i) => $"{h}:{9093 + i}"));
        start.Environment["FJORD_CONTROL_PLANE_URL"] = "https://func-test.azurewebsites.net";
        start.Environment["FJORD_BROKER_TLS_SECRETS_EXIST"] = tlsSecretsExist ? "true" : "false";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(deadline.Token);
        return new ProcessRun(process.ExitCode, await output, await error);
    }

    public void Dispose() => _dir.Delete(recursive: true);

    [GeneratedRegex("password=\"([^\"]+)\"")]
    private static partial Regex PasswordIn();
}
