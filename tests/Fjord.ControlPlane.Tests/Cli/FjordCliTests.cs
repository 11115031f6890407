using Azure.Data.Tables;
using Fjord.Cli;
using Fjord.Security.Credentials;
using Fjord.Security.Tenancy;
using Fjord.Testing;

namespace Fjord.ControlPlane.Tests.Cli;

public sealed class FjordCliTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IDisposable
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));
    private readonly TempDirectory _folder = new("fjord-cli");
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..12];

    private CancellationToken Ct => _timeout.Token;

    public void Dispose()
    {
        _folder.Dispose();
        _timeout.Dispose();
    }

    private sealed record Run(int ExitCode, string Output, string Error);

    private async Task<Run> FjordAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await FjordCli.RunAsync(args, output, error, Ct);
        return new Run(code, output.ToString(), error.ToString());
    }

    /// <summary>The tenant command against this test's own tables.</summary>
    private Task<Run> TenantAsync(params string[] args) =>
        FjordAsync(["tenant", .. args, "--table-connection-string", azurite.ConnectionString,
            "--tenants-table", "tenants" + _suffix, "--scram-table", "scram" + _suffix, "--acls-table", "acls" + _suffix]);

    private TableTenantStore Tenants => new(new TableServiceClient(azurite.ConnectionString), "tenants" + _suffix);

    [Fact]
    public async Task CreateWritesAPrivatePropertiesFileWithTheLocalClientKeysAndTheAdminLogsInWithIt()
    {
        var file = Path.Combine(_folder.Path, "acme.properties");
        var ca = Path.Combine(_folder.Path, "ca.pem");
        await File.WriteAllTextAsync(ca, "not read", Ct);

        var run = await TenantAsync("create", "acme", "--display-name", "Acme Corp", "--max-topics", "10", "--max-retained-bytes", "5000000000",
            "--bootstrap-servers", "127.0.0.1:9192,127.0.0.1:9193", "--properties-out", file, "--ca-location", ca);

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("Created tenant acme", run.Output, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        var properties = (await File.ReadAllLinesAsync(file, Ct)).Where(l => !l.StartsWith('#')).Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        Assert.Equal(["bootstrap.servers", "sasl.mechanism", "sasl.password", "sasl.username", "security.protocol", "ssl.ca.location"], properties.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("127.0.0.1:9192,127.0.0.1:9193", properties["bootstrap.servers"]);
        Assert.Equal("SASL_SSL", properties["security.protocol"]);
        Assert.Equal("SCRAM-SHA-512", properties["sasl.mechanism"]);
        Assert.Equal("acme.admin", properties["sasl.username"]);
        Assert.Equal(ca, properties["ssl.ca.location"]);
        var (credentials, _) = await new TableScramCredentialStore(new TableServiceClient(azurite.ConnectionString), "scram" + _suffix).LoadAsync(Ct);
        var stored = Assert.Single(credentials, c => c.User == "acme.admin" && c.Mechanism == ScramMechanism.ScramSha512).Credential;
        Assert.Equal(stored.StoredKey, ScramCredentials.Create(ScramMechanism.ScramSha512, properties["sasl.password"], stored.Iterations, stored.Salt).StoredKey);
        var tenant = await Tenants.GetAsync("acme", Ct);
        Assert.Equal(new TenantLimits(MaxTopics: 10, MaxRetainedBytes: 5_000_000_000L), tenant?.Limits);
        Assert.Equal("Acme Corp", tenant?.DisplayName);
    }

    [Fact]
    public async Task ListSuspendResumeAndDeleteWithWaitingForTheReaper()
    {
        var file = Path.Combine(_folder.Path, "acme.properties");
        Assert.Equal(0, (await TenantAsync("create", "acme", "--bootstrap-servers", "b:1", "--properties-out", file)).ExitCode);

        var list = await TenantAsync("list");
        Assert.Equal(0, list.ExitCode);
        Assert.StartsWith("ID", list.Output, StringComparison.Ordinal);
        Assert.Contains("acme", list.Output, StringComparison.Ordinal);
        Assert.Contains("active", list.Output, StringComparison.Ordinal);

        Assert.Equal("Tenant acme is suspended", (await TenantAsync("suspend", "acme")).Output.Trim());
        Assert.Equal(TenantState.Suspended, (await Tenants.GetAsync("acme", Ct))?.State);
        Assert.Equal("Tenant acme is active", (await TenantAsync("resume", "acme")).Output.Trim());

        // The controller's last step, taken once the CLI has marked the tenant and is waiting.
        var waiting = TenantAsync("delete", "acme", "--wait-seconds", "60");
        await Poll.UntilAsync(async () => (await Tenants.GetAsync("acme", Ct))?.State == TenantState.Deleting, TimeSpan.FromSeconds(30), "acme marked for deletion");
        await Tenants.DeleteAsync("acme", Ct);
        var reaped = await waiting;
        Assert.True(reaped.ExitCode == 0, reaped.Error);
        Assert.Contains("Tenant acme is deleted", reaped.Output, StringComparison.Ordinal);
        Assert.Equal("Tenant acme does not exist; nothing to delete", (await TenantAsync("delete", "acme")).Output.Trim());
        Assert.Equal("No tenants", (await TenantAsync("list")).Output.Trim());
    }

    [Fact]
    public async Task ADeletionNoControllerFinishesRunsOutOfTimeAndSaysWhy()
    {
        Assert.Equal(0, (await TenantAsync("create", "globex", "--bootstrap-servers", "b:1", "--properties-out", Path.Combine(_folder.Path, "g.properties"))).ExitCode);

        var unreaped = await TenantAsync("delete", "globex", "--wait-seconds", "1");

        Assert.Equal(1, unreaped.ExitCode);
        Assert.Contains("still being deleted", unreaped.Error, StringComparison.Ordinal);
        Assert.Equal(TenantState.Deleting, (await Tenants.GetAsync("globex", Ct))?.State);
    }

    [Fact]
    public async Task FailuresExitOneWithTheReason()
    {
        var missing = await TenantAsync("suspend", "acme");
        Assert.Equal(1, missing.ExitCode);
        Assert.Equal("fjord: Tenant acme does not exist", missing.Error.Trim());

        var file = Path.Combine(_folder.Path, "acme.properties");
        Assert.Equal(0, (await TenantAsync("create", "acme", "--bootstrap-servers", "b:1", "--properties-out", file)).ExitCode);
        var again = await TenantAsync("create", "acme", "--bootstrap-servers", "b:1", "--properties-out", Path.Combine(_folder.Path, "again.properties"));
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("already exists", again.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_folder.Path, "again.properties")));
    }

    [Theory]
    [InlineData("tenant")]
    [InlineData("tenant", "create")]
    [InlineData("tenant", "create", "Acme", "--bootstrap-servers", "b:1", "--properties-out", "x.properties")]
    [InlineData("tenant", "create", "acme", "--properties-out", "x.properties")]
    [InlineData("tenant", "create", "acme", "--bootstrap-servers", "b:1", "--properties-out", "/no/such/folder/x.properties")]
    [InlineData("tenant", "create", "acme", "--bootstrap-servers", "b:1", "--properties-out", "x.properties", "--max-topics", "-1")]
    [InlineData("tenant", "create", "acme", "--bootstrap-servers", "b:1", "--properties-out", "x.properties", "--max-topics", "many")]
    [InlineData("tenant", "delete", "acme", "--wait-seconds", "-3")]
    [InlineData("tenant", "frobnicate", "acme")]
    [InlineData("tenant", "list", "--tenants-table", "no-dashes", "--table-connection-string", "UseDevelopmentStorage=true")]
    [InlineData("tenant", "list", "--table-connection-string", "not a connection string")]
    public async Task UsageErrorsExitTwoAndSayWhat(params string[] args)
    {
        var run = await FjordAsync(args);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("fjord: ", run.Error, StringComparison.Ordinal);
        Assert.Empty(run.Output);
    }

    [Fact]
    public async Task HelpNamesEveryTenantCommandAndExitsZero()
    {
        var run = await FjordAsync("tenant", "--help");

        Assert.Equal(0, run.ExitCode);
        foreach (var command in new[] { "create", "delete", "suspend", "resume", "list", "reset-admin-password" })
            Assert.Contains(command, run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutAConnectionStringItSaysWhichOptionIsMissing()
    {
        if (Environment.GetEnvironmentVariable("FJORD_TABLE_CONNECTION_STRING") is not null) return;

        var run = await FjordAsync("tenant", "list");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--table-connection-string", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnreachableStorageExitsOne()
    {
        var closed = FreePort.Next(1)[0];
        var run = await FjordAsync("tenant", "list", "--table-connection-string",
            $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:{closed}/devstoreaccount1");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("unreachable", run.Error, StringComparison.Ordinal);
    }
}
