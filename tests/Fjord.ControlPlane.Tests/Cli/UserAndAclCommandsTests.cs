using System.Text.Json;
using Fjord.ControlPlane.Tests.Functions;
using Fjord.Security.Authorization;
using Fjord.Security.Credentials;
using Fjord.Testing;

namespace Fjord.ControlPlane.Tests.Cli;

/// <summary><c>fjord user …</c>, <c>fjord acl …</c> and <c>fjord api-key …</c> through the local control plane, read back from the tables.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class UserAndAclCommandsTests(ControlPlaneFixture fixture) : CliCommandTests(fixture, "ua")
{
    private async Task<string> StoredKeyAsync(string user, ScramMechanism mechanism, string password)
    {
        var (credentials, _) = await Fixture.Credentials.LoadAsync(Ct);
        var stored = Assert.Single(credentials, c => c.User == user && c.Mechanism == mechanism).Credential;
        Assert.Equal(stored.StoredKey, ScramCredentials.Create(mechanism, password, stored.Iterations, stored.Salt).StoredKey);
        return user;
    }

    [Fact]
    public async Task UserCreateWritesTheUsersClientConfigWithTheControlPlanesBootstrapAndCaAndPrintsNoPassword()
    {
        var tenant = await NewTenantAsync();
        var file = Folder.Combine("app1.properties");

        var run = await Cli.RunAsync(Ct, "user", "create", "app1", "--tenant", tenant, "--client-config", file);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"logs in as {tenant}.app1", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("password", run.Output, StringComparison.OrdinalIgnoreCase);
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        var properties = CliRunner.ReadProperties(file);
        Assert.Equal(Fixture.BootstrapServers, properties["bootstrap.servers"]);
        Assert.Equal("SASL_SSL", properties["security.protocol"]);
        Assert.Equal("SCRAM-SHA-512", properties["sasl.mechanism"]);
        Assert.Equal($"{tenant}.app1", properties["sasl.username"]);
        Assert.Equal(Fixture.CaCertificate, await File.ReadAllTextAsync(properties["ssl.ca.location"], Ct));
        await StoredKeyAsync($"{tenant}.app1", ScramMechanism.ScramSha512, properties["sasl.password"]);

        var again = await Cli.RunAsync(Ct, "user", "create", "app1", "--tenant", tenant, "--client-config", Folder.Combine("again.properties"));
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("reset-password", again.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Folder.Combine("again.properties")));
    }

    [Fact]
    public async Task UserCreateWithoutAClientConfigShowsThePasswordOnceAndListAndDeleteFollow()
    {
        var tenant = await NewTenantAsync();

        var created = await Cli.RunAsync(Ct, "user", "create", "app2", "--tenant", tenant, "-o", "json");
        Assert.True(created.ExitCode == 0, created.ToString());
        var user = JsonDocument.Parse(created.Output).RootElement;
        await StoredKeyAsync($"{tenant}.app2", ScramMechanism.ScramSha256, user.GetProperty("password").GetString()!);
        var reset = await Cli.RunAsync(Ct, "user", "reset-password", "app2", "--tenant", tenant);
        Assert.True(reset.ExitCode == 0, reset.ToString());
        Assert.Contains("(shown this once)", reset.Output, StringComparison.Ordinal);

        var list = await Cli.RunAsync(Ct, "user", "list", "--tenant", tenant);
        Assert.Equal(0, list.ExitCode);
        Assert.Contains($"{tenant}.admin", list.Output, StringComparison.Ordinal);
        Assert.Contains($"{tenant}.app2", list.Output, StringComparison.Ordinal);

        var deleted = await Cli.RunAsync(Ct, "user", "delete", "app2", "--tenant", tenant);
        Assert.True(deleted.ExitCode == 0, deleted.ToString());
        var (credentials, _) = await Fixture.Credentials.LoadAsync(Ct);
        Assert.DoesNotContain(credentials, c => c.User == $"{tenant}.app2");
        Assert.Equal(1, (await Cli.RunAsync(Ct, "user", "delete", "app2", "--tenant", tenant)).ExitCode);
        var admin = await Cli.RunAsync(Ct, "user", "delete", "admin", "--tenant", tenant);
        Assert.Equal(1, admin.ExitCode);
        Assert.StartsWith("fjord: ", admin.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AclAddMakesOneBindingPerResourceAndOperationInTheTenantsNamesAndRemoveTakesThemAway()
    {
        var tenant = await NewTenantAsync();

        var added = await Cli.RunAsync(Ct, "acl", "add", "--tenant", tenant, "--principal", "User:app1", "--operation", "Write", "--operation", "Read",
            "--topic", "orders", "--group", "billing");
        var prefixed = await Cli.RunAsync(Ct, "acl", "add", "--tenant", tenant, "--principal", "User:app1", "--operation", "Read", "--topic", "logs-",
            "--prefixed", "--deny", "--host", "10.0.0.1", "-o", "json");

        Assert.True(added.ExitCode == 0, added.ToString());
        Assert.Equal(4, added.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.EndsWith("added", StringComparison.Ordinal)));
        Assert.True(prefixed.ExitCode == 0, prefixed.ToString());
        var binding = Assert.Single(JsonDocument.Parse(prefixed.Output).RootElement.EnumerateArray());
        Assert.Equal("Prefixed", binding.GetProperty("patternType").GetString());
        Assert.Equal("Deny", binding.GetProperty("permission").GetString());
        var (stored, _) = await Fixture.Acls.LoadAsync(Ct);
        var app1 = stored.Where(b => b.Entry.Principal == $"User:{tenant}.app1").ToList();
        Assert.Equal(5, app1.Count);
        Assert.Contains(app1, b => b.Pattern is { ResourceType: ResourceType.Group, Name: var n } && n == $"{tenant}.billing" && b.Entry.Operation == AclOperation.Write);
        Assert.Contains(app1, b => b.Pattern.PatternType == PatternType.Prefixed && b.Entry is { Host: "10.0.0.1", PermissionType: AclPermissionType.Deny });

        var again = await Cli.RunAsync(Ct, "acl", "add", "--tenant", tenant, "--principal", "User:app1", "--operation", "Read", "--topic", "orders");
        Assert.Contains("existed", again.Output, StringComparison.Ordinal);
        var list = await Cli.RunAsync(Ct, "acl", "list", "--tenant", tenant, "--topic", "orders", "-o", "json");
        Assert.Equal(2, JsonDocument.Parse(list.Output).RootElement.GetArrayLength());

        var removed = await Cli.RunAsync(Ct, "acl", "remove", "--tenant", tenant, "--principal", "User:app1", "--group", "billing", "-o", "json");
        Assert.True(removed.ExitCode == 0, removed.ToString());
        Assert.Equal(2, JsonDocument.Parse(removed.Output).RootElement.GetArrayLength());
        var all = await Cli.RunAsync(Ct, "acl", "remove", "--tenant", tenant, "--all");
        Assert.True(all.ExitCode == 0, all.ToString());
        (stored, _) = await Fixture.Acls.LoadAsync(Ct);
        Assert.DoesNotContain(stored, b => b.Entry.Principal == $"User:{tenant}.app1");
        Assert.Contains(stored, b => b.Entry.Principal == $"User:{tenant}.admin");
    }

    [Fact]
    public async Task ApiKeyCreateListAndDeleteGoOverTheApi()
    {
        var tenant = await NewTenantAsync();

        var created = await Cli.RunAsync(Ct, "api-key", "create", "--tenant", tenant, "--lifetime-days", "2", "--description", "cli over http");
        Assert.True(created.ExitCode == 0, created.ToString());
        var key = created.Output.Trim();
        Assert.StartsWith("fjk.", key, StringComparison.Ordinal);
        Assert.Contains($"key of tenant {tenant}", created.Error, StringComparison.Ordinal);
        var id = key.Split('.')[1];
        Assert.Equal(tenant, (await Fixture.ApiKeys.GetAsync(id, Ct))?.TenantId);

        var asOperator = await Cli.RunAsync(Ct, "api-key", "list", "--tenant", tenant);
        Assert.Contains("cli over http", asOperator.Output, StringComparison.Ordinal);
        var asTenant = await Cli.RunAsync(key, null, Ct, "api-key", "list", "-o", "json");
        Assert.True(asTenant.ExitCode == 0, asTenant.ToString());
        Assert.Equal(id, Assert.Single(JsonDocument.Parse(asTenant.Output).RootElement.EnumerateArray()).GetProperty("id").GetString());

        var deleted = await Cli.RunAsync(key, null, Ct, "api-key", "delete", id);
        Assert.True(deleted.ExitCode == 0, deleted.ToString());
        Assert.Null(await Fixture.ApiKeys.GetAsync(id, Ct));
        Assert.Equal(1, (await Cli.RunAsync(Ct, "api-key", "delete", id)).ExitCode);
    }

    [Fact]
    public async Task ApiKeyCreateWithATableConnectionWritesTheTableEvenWhenAControlPlaneIsConfigured()
    {
        var created = await Cli.RunAsync(Ct, "api-key", "create", "--table-connection", Fixture.ConnectionString, "--api-keys-table", Fixture.ApiKeyTable,
            "--description", "seeded");

        Assert.True(created.ExitCode == 0, created.ToString());
        Assert.Contains("in Table storage", created.Error, StringComparison.Ordinal);
        var info = await Fixture.ApiKeys.GetAsync(created.Output.Trim().Split('.')[1], Ct);
        Assert.Equal("seeded", info?.Description);
        Assert.Null(info?.TenantId);
    }

    [Theory]
    [InlineData("acl", "add", "--tenant", "acme", "--principal", "User:a", "--operation", "Read")]
    [InlineData("acl", "add", "--tenant", "acme", "--principal", "User:a", "--topic", "t")]
    [InlineData("acl", "add", "--tenant", "acme", "--operation", "Read", "--topic", "t")]
    [InlineData("acl", "remove", "--tenant", "acme")]
    [InlineData("acl", "remove", "--tenant", "acme", "--all", "--topic", "t")]
    [InlineData("user", "create")]
    [InlineData("user", "create", "app1", "--tenant", "acme", "--client-config", "/no/such/folder/a.properties")]
    [InlineData("api-key", "create", "--lifetime-days", "0")]
    [InlineData("api-key", "create", "--tenant", "Not_A_Tenant")]
    [InlineData("api-key", "delete")]
    public async Task UsageErrorsExitTwoAndSayWhat(params string[] args)
    {
        var run = await Cli.RunAsync(Ct, args);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("fjord: ", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefusalsPrintTheControlPlanesDetail()
    {
        var tenant = await NewTenantAsync();

        var badOperation = await Cli.RunAsync(Ct, "acl", "add", "--tenant", tenant, "--principal", "User:a", "--operation", "Fly", "--topic", "t");
        var badUser = await Cli.RunAsync(Ct, "user", "create", "*", "--tenant", tenant);
        var badKeyId = await Cli.RunAsync(Ct, "api-key", "delete", "nonsense");

        Assert.Equal(2, badOperation.ExitCode);
        Assert.Contains("'Fly' is not one of", badOperation.Error, StringComparison.Ordinal);
        Assert.Equal(2, badUser.ExitCode);
        Assert.StartsWith("fjord: ", badUser.Error, StringComparison.Ordinal);
        Assert.Equal(2, badKeyId.ExitCode);
        Assert.Contains("20 lower-case hex digits", badKeyId.Error, StringComparison.Ordinal);
    }
}
