using System.Text.Json;
using Fjord.Cli;
using Fjord.ControlPlane.Tests.Functions;
using Fjord.Security.Credentials;
using Fjord.Security.Tenancy;
using Fjord.Testing;

namespace Fjord.ControlPlane.Tests.Cli;

/// <summary>
/// <c>fjord tenant …</c> through the local control plane. Each run gets its own environment (never the process's),
/// with XDG_CONFIG_HOME in a temporary folder, so no test reads or writes the real user's login.
/// </summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class FjordCliTests(ControlPlaneFixture fixture) : IDisposable
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));
    private readonly TempDirectory _folder = new("fjord-cli");

    private CancellationToken Ct => _timeout.Token;

    public void Dispose()
    {
        _folder.Dispose();
        _timeout.Dispose();
    }

    private sealed record Run(int ExitCode, string Output, string Error);

    private static string NewId(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    private Dictionary<string, string> NewEnvironment() => new() { ["XDG_CONFIG_HOME"] = _folder.Combine("config") };

    private async Task<Run> FjordWithAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await FjordCli.RunAsync(args, output, error, new CliEnvironment(n => environment.GetValueOrDefault(n)), Ct);
        return new Run(code, output.ToString(), error.ToString());
    }

    private Task<Run> FjordAsync(params string[] args) => FjordWithAsync(NewEnvironment(), args);

    /// <summary>A tenant command against the fixture's control plane, endpoint and key as flags.</summary>
    private Task<Run> TenantAsync(params string[] args) =>
        FjordAsync(["tenant", .. args, "--api-url", fixture.BaseAddress.ToString(), "--api-key", fixture.OperatorKey]);

    private static Dictionary<string, string> ReadProperties(string file) =>
        File.ReadAllLines(file).Where(l => !l.StartsWith('#')).Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);

    [Fact]
    public async Task CreateWritesAPrivateClientConfigWithTheControlPlanesBootstrapServersAndCa()
    {
        var id = NewId("cli");
        var file = _folder.Combine(id + ".properties");

        var run = await TenantAsync("create", id, "--display-name", "Acme Corp", "--max-topics", "10", "--max-retained-bytes", "5000000000", "--client-config", file);

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains($"Created tenant {id}", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("password", run.Output, StringComparison.OrdinalIgnoreCase);
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        var properties = ReadProperties(file);
        Assert.Equal(["bootstrap.servers", "sasl.mechanism", "sasl.password", "sasl.username", "security.protocol", "ssl.ca.location"], properties.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(fixture.BootstrapServers, properties["bootstrap.servers"]);
        Assert.Equal("SASL_SSL", properties["security.protocol"]);
        Assert.Equal("SCRAM-SHA-512", properties["sasl.mechanism"]);
        Assert.Equal(id + ".admin", properties["sasl.username"]);
        Assert.Equal(fixture.CaCertificate, await File.ReadAllTextAsync(properties["ssl.ca.location"], Ct));
        var (credentials, _) = await fixture.Credentials.LoadAsync(Ct);
        var stored = Assert.Single(credentials, c => c.User == id + ".admin" && c.Mechanism == ScramMechanism.ScramSha512).Credential;
        Assert.Equal(stored.StoredKey, ScramCredentials.Create(ScramMechanism.ScramSha512, properties["sasl.password"], stored.Iterations, stored.Salt).StoredKey);
        var tenant = await fixture.Tenants.GetAsync(id, Ct);
        Assert.Equal(new TenantLimits(MaxTopics: 10, MaxRetainedBytes: 5_000_000_000L), tenant?.Limits);
        Assert.Equal("Acme Corp", tenant?.DisplayName);
    }

    [Fact]
    public async Task CreateWithGivenBootstrapServersAndCaNamesThemAndAnExistingTenantWritesNoFile()
    {
        var id = NewId("cli");
        var file = _folder.Combine("a.properties");
        var ca = _folder.Combine("own-ca.pem");
        await File.WriteAllTextAsync(ca, "not read", Ct);

        var run = await TenantAsync("create", id, "--client-config", file, "--bootstrap-servers", "b:1", "--ca-location", ca);
        var again = await TenantAsync("create", id, "--client-config", _folder.Combine("again.properties"));

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal("b:1", ReadProperties(file)["bootstrap.servers"]);
        Assert.Equal(ca, ReadProperties(file)["ssl.ca.location"]);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("reset-admin-password", again.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(_folder.Combine("again.properties")));
    }

    [Fact]
    public async Task OutputJsonPrintsTheApiResourcesForEveryTenantCommand()
    {
        var id = NewId("json");

        var created = await TenantAsync("create", id, "--max-topics", "3", "--output", "json");
        Assert.True(created.ExitCode == 0, created.Error);
        var tenant = JsonDocument.Parse(created.Output).RootElement;
        Assert.Equal(id, tenant.GetProperty("id").GetString());
        Assert.Equal("active", tenant.GetProperty("state").GetString());
        Assert.Equal(3, tenant.GetProperty("limits").GetProperty("maxTopics").GetInt32());
        Assert.Equal(id + ".admin", tenant.GetProperty("admin").GetProperty("username").GetString());
        Assert.False(string.IsNullOrEmpty(tenant.GetProperty("admin").GetProperty("password").GetString()));

        var list = await TenantAsync("list", "--output", "json");
        Assert.Equal(0, list.ExitCode);
        var listed = Assert.Single(JsonDocument.Parse(list.Output).RootElement.EnumerateArray(), t => t.GetProperty("id").GetString() == id);
        Assert.False(listed.TryGetProperty("admin", out _));

        var get = await TenantAsync("get", id, "-o", "json");
        Assert.Equal(id, JsonDocument.Parse(get.Output).RootElement.GetProperty("id").GetString());
        var suspended = await TenantAsync("suspend", id, "--output", "json");
        Assert.Equal("suspended", JsonDocument.Parse(suspended.Output).RootElement.GetProperty("state").GetString());
        var limits = await TenantAsync("set-limits", id, "--max-connections", "9", "--output", "json");
        var limitsJson = JsonDocument.Parse(limits.Output).RootElement.GetProperty("limits");
        Assert.Equal(9, limitsJson.GetProperty("maxConnections").GetInt32());
        Assert.Equal(JsonValueKind.Null, limitsJson.GetProperty("maxTopics").ValueKind);
        var deleted = await TenantAsync("delete", id, "--output", "json");
        Assert.Equal("deleting", JsonDocument.Parse(deleted.Output).RootElement.GetProperty("state").GetString());
    }

    [Fact]
    public async Task ListGetSuspendResumeAndDeleteWaitingForTheReaperWithProgressOnStderr()
    {
        var id = NewId("cli");
        Assert.Equal(0, (await TenantAsync("create", id)).ExitCode);

        var list = await TenantAsync("list");
        Assert.Equal(0, list.ExitCode);
        Assert.StartsWith("ID", list.Output, StringComparison.Ordinal);
        Assert.Contains(id, list.Output, StringComparison.Ordinal);
        Assert.Contains("state:", (await TenantAsync("get", id)).Output, StringComparison.Ordinal);

        Assert.Equal($"Tenant {id} is suspended", (await TenantAsync("suspend", id)).Output.Trim());
        Assert.Equal(TenantState.Suspended, (await fixture.Tenants.GetAsync(id, Ct))?.State);
        Assert.Equal($"Tenant {id} is active", (await TenantAsync("resume", id)).Output.Trim());

        // The controller's last step, taken once the CLI has marked the tenant and is waiting.
        var waiting = TenantAsync("delete", id, "--wait-seconds", "60");
        await Poll.UntilAsync(async () => (await fixture.Tenants.GetAsync(id, Ct))?.State == TenantState.Deleting, TimeSpan.FromSeconds(30), "the tenant marked for deletion");
        await fixture.Tenants.DeleteAsync(id, Ct);
        var reaped = await waiting;
        Assert.True(reaped.ExitCode == 0, reaped.Error);
        Assert.Contains("waiting up to 60 s", reaped.Error, StringComparison.Ordinal);
        Assert.Equal($"Tenant {id} is deleted", reaped.Output.Trim());
        Assert.Equal($"Tenant {id} does not exist; nothing to delete", (await TenantAsync("delete", id)).Output.Trim());
    }

    [Fact]
    public async Task ADeletionNoControllerFinishesRunsOutOfTimeAndSaysWhy()
    {
        var id = NewId("cli");
        Assert.Equal(0, (await TenantAsync("create", id)).ExitCode);

        var unreaped = await TenantAsync("delete", id, "--wait-seconds", "1");

        Assert.Equal(1, unreaped.ExitCode);
        Assert.Contains("still being deleted", unreaped.Error, StringComparison.Ordinal);
        Assert.Equal(TenantState.Deleting, (await fixture.Tenants.GetAsync(id, Ct))?.State);
    }

    [Fact]
    public async Task RefusalsExitOneWithTheControlPlanesReason()
    {
        var id = NewId("none");
        var missing = await TenantAsync("suspend", id);
        Assert.Equal(1, missing.ExitCode);
        Assert.Equal($"fjord: Tenant {id} does not exist", missing.Error.Trim());

        var badKey = await FjordAsync("tenant", "list", "--api-url", fixture.BaseAddress.ToString(), "--api-key", "fjk.nobody.nothing");
        Assert.Equal(1, badKey.ExitCode);
        Assert.Contains("--api-url/--api-key", badKey.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("tenant")]
    [InlineData("tenant", "create")]
    [InlineData("tenant", "create", "Acme")]
    [InlineData("tenant", "create", "acme", "--client-config", "/no/such/folder/x.properties")]
    [InlineData("tenant", "create", "acme", "--max-topics", "-1")]
    [InlineData("tenant", "create", "acme", "--max-topics", "many")]
    [InlineData("tenant", "delete", "acme", "--wait-seconds", "-3")]
    [InlineData("tenant", "list", "--output", "yaml")]
    [InlineData("tenant", "frobnicate", "acme")]
    [InlineData("tenant", "list", "--api-url", "ftp://example", "--api-key", "k")]
    [InlineData("tenant", "list")]
    [InlineData("login", "--api-url", "http://127.0.0.1:1")]
    [InlineData("tenant", "reset-admin-password", "acme", "--bootstrap-servers", "b:1", "--client-config", "x.properties", "--table-connection", "not a connection string")]
    [InlineData("api-key", "create", "--table-endpoint", "http://account.table.core.windows.net")]
    [InlineData("api-key", "create", "--table-endpoint", "not a url")]
    [InlineData("api-key", "create", "--table-endpoint", "https://account.table.core.windows.net", "--table-connection", "UseDevelopmentStorage=true")]
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
        foreach (var command in new[] { "create", "get", "delete", "suspend", "resume", "set-limits", "list", "reset-admin-password" })
            Assert.Contains(command, run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnreachableControlPlaneExitsOne()
    {
        var closed = FreePort.Next(1)[0];
        var run = await FjordAsync("tenant", "list", "--api-url", $"http://127.0.0.1:{closed}", "--api-key", fixture.OperatorKey);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("unreachable", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApiKeyCreateAtAnUnreachableTableEndpointExitsOneAndPrintsNoKey()
    {
        // Without an Azure identity here it fails to sign in; with one, it fails to connect: either way no key.
        var closed = FreePort.Next(1)[0];
        var run = await FjordAsync("api-key", "create", "--table-endpoint", $"https://127.0.0.1:{closed}/devstoreaccount1");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("fjord: ", run.Error, StringComparison.Ordinal);
        Assert.Empty(run.Output);
    }

    [Fact]
    public async Task LoginChecksTheKeyKeepsItPrivateAndLaterCommandsNeedNoFlags()
    {
        var environment = NewEnvironment();
        var config = Path.Combine(environment["XDG_CONFIG_HOME"], "fjord", "config.json");

        var refused = await FjordWithAsync(environment, "login", "--api-url", fixture.BaseAddress.ToString(), "--api-key", "fjk.nobody.nothing");
        Assert.Equal(1, refused.ExitCode);
        Assert.False(File.Exists(config));

        var login = await FjordWithAsync(environment, "login", "--api-url", fixture.BaseAddress.ToString(), "--api-key", fixture.OperatorKey);
        Assert.True(login.ExitCode == 0, login.Error);
        Assert.Contains(config, login.Output, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(config));

        var list = await FjordWithAsync(environment, "tenant", "list", "--output", "json");
        Assert.True(list.ExitCode == 0, list.Error);
        Assert.Equal(JsonValueKind.Array, JsonDocument.Parse(list.Output).RootElement.ValueKind);
    }

    [Fact]
    public async Task FlagsBeatTheEnvironmentWhichBeatsTheLoginWhichBeatsFjordHome()
    {
        const string Wrong = "fjk.wrong.wrong";
        var url = fixture.BaseAddress.ToString();
        var home = _folder.Combine("home");
        Directory.CreateDirectory(home);
        var environment = NewEnvironment();
        environment["FJORD_HOME"] = home;
        async Task<int> ListAsync(params string[] flags) => (await FjordWithAsync(environment, ["tenant", "list", .. flags])).ExitCode;

        Assert.Equal(2, await ListAsync());
        await File.WriteAllTextAsync(Path.Combine(home, "control-plane.env"), $"FJORD_API_URL={url}\nFJORD_API_KEY={fixture.OperatorKey}\n", Ct);
        Assert.Equal(0, await ListAsync());

        new LoginConfig(url, Wrong).Write(Path.Combine(environment["XDG_CONFIG_HOME"], "fjord", "config.json"));
        Assert.Equal(1, await ListAsync());

        environment["FJORD_API_KEY"] = fixture.OperatorKey;
        Assert.Equal(0, await ListAsync());

        environment["FJORD_API_KEY"] = Wrong;
        Assert.Equal(1, await ListAsync());
        Assert.Equal(0, await ListAsync("--api-key", fixture.OperatorKey));
    }

    [Theory]
    [InlineData("FJORD_TABLE_CONNECTION")]
    [InlineData("FJORD_TABLE_CONNECTION_STRING")]
    public async Task ApiKeyCreateWritesTableStorageDirectlyUnderEitherConnectionName(string variable)
    {
        var environment = NewEnvironment();
        environment[variable] = fixture.ConnectionString;

        var created = await FjordWithAsync(environment, "api-key", "create", "--api-keys-table", fixture.ApiKeyTable, "--description", "cli test");

        Assert.True(created.ExitCode == 0, created.Error);
        var list = await FjordAsync("tenant", "list", "--api-url", fixture.BaseAddress.ToString(), "--api-key", created.Output.Trim());
        Assert.True(list.ExitCode == 0, list.Error);
    }

    [Fact]
    public async Task ResetAdminPasswordWritesTheTablesDirectlyAndANewClientConfig()
    {
        var id = NewId("reset");
        Assert.Equal(0, (await TenantAsync("create", id)).ExitCode);
        var file = _folder.Combine("reset.properties");
        var environment = NewEnvironment();
        environment["FJORD_TABLE_CONNECTION"] = fixture.ConnectionString;

        var run = await FjordWithAsync(environment, "tenant", "reset-admin-password", id, "--bootstrap-servers", "b:1", "--client-config", file,
            "--tenants-table", fixture.TenantTable, "--scram-table", fixture.ScramTable, "--acls-table", fixture.AclTable);

        Assert.True(run.ExitCode == 0, run.Error);
        var properties = ReadProperties(file);
        var (credentials, _) = await fixture.Credentials.LoadAsync(Ct);
        var stored = Assert.Single(credentials, c => c.User == id + ".admin" && c.Mechanism == ScramMechanism.ScramSha512).Credential;
        Assert.Equal(stored.StoredKey, ScramCredentials.Create(ScramMechanism.ScramSha512, properties["sasl.password"], stored.Iterations, stored.Salt).StoredKey);
    }
}
