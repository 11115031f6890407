using System.CommandLine;
using Fjord.ControlPlane.Client;
using Fjord.ControlPlane.Client.Cluster;
using Fjord.ControlPlane.Client.Tenants;
using Fjord.ControlPlane.Client.Users;

namespace Fjord.Cli;

/// <summary>
/// <c>fjord user create|list|reset-password|delete</c>: a tenant's SCRAM users through the control plane's HTTP API.
/// A password is shown once (the API keeps only its SCRAM hashes), or with <c>--client-config</c> written, with the
/// cluster's bootstrap servers and CA, into a client config file instead of printed.
/// </summary>
internal static class UserCommands
{
    public static Command Build(CliContext cli)
    {
        var user = new Command("user", "Create, list and delete a tenant's SCRAM users (through the control plane's API).");
        user.Add(Create(cli));
        user.Add(List(cli));
        user.Add(ResetPassword(cli));
        user.Add(Delete(cli));
        return user;
    }

    private static Command Create(CliContext cli)
    {
        var name = NameArgument();
        var tenant = TenantOption.Create();
        var (clientConfig, bootstrap, caLocation) = TenantCommands.ClientConfigOptions(required: false);
        clientConfig.Description = "Write the user's client properties (librdkafka / Java names; mode 0600, it holds the password) to this file";
        var command = new Command("create", "Create a SCRAM user (it logs in as <tenant>.<name>); its password is shown once, or written with --client-config.")
        {
            name, tenant, clientConfig, bootstrap, caLocation,
        };
        command.SetAction((parsed, ct) => ApiCommand.RunAsync(parsed, cli, async (client, format) =>
        {
            if (await TenantOption.ResolveAsync(parsed, tenant, client, cli, ct).ConfigureAwait(false) is not { } tenantId) return ExitCodes.Usage;
            var userName = parsed.GetRequiredValue(name);
            var file = parsed.GetValue(clientConfig) is { } path ? Path.GetFullPath(path) : null;
            ClusterConnectionModel? connection = null;
            if (file is not null)
            {
                // Asked before the user exists: a password that cannot be written down is a lost password.
                connection = await TenantCommands.ConnectionAsync(cli, client, parsed.GetValue(bootstrap), parsed.GetValue(caLocation), ct).ConfigureAwait(false);
                if (connection is null) return ExitCodes.Usage;
            }
            var created = await client.Users.CreateAsync(tenantId, userName, ct: ct).ConfigureAwait(false);
            if (!created.Created || created.User.Password is not { } password)
            {
                await WriteAsync(cli.Output, format, created.User, $"User {userName} of tenant {tenantId} exists already ({created.User.Username})").ConfigureAwait(false);
                if (file is null) return ExitCodes.Success;
                await cli.Error.WriteLineAsync($"fjord: user {userName} existed already, so its password is not known here and {file} was not written; "
                    + $"'fjord user reset-password {userName} --client-config {file}' gives it a new one").ConfigureAwait(false);
                return ExitCodes.Failure;
            }
            return await ShowPasswordAsync(cli, format, tenantId, created.User, password, file, connection, parsed.GetValue(caLocation), "Created").ConfigureAwait(false);
        }, ct));
        return command;
    }

    private static Command ResetPassword(CliContext cli)
    {
        var name = NameArgument();
        var tenant = TenantOption.Create();
        var (clientConfig, bootstrap, caLocation) = TenantCommands.ClientConfigOptions(required: false);
        clientConfig.Description = "Write the user's client properties with the new password to this file";
        var command = new Command("reset-password", "Give a user a new password (shown once, or written with --client-config); live sessions stay up.")
        {
            name, tenant, clientConfig, bootstrap, caLocation,
        };
        command.SetAction((parsed, ct) => ApiCommand.RunAsync(parsed, cli, async (client, format) =>
        {
            if (await TenantOption.ResolveAsync(parsed, tenant, client, cli, ct).ConfigureAwait(false) is not { } tenantId) return ExitCodes.Usage;
            var file = parsed.GetValue(clientConfig) is { } path ? Path.GetFullPath(path) : null;
            ClusterConnectionModel? connection = null;
            if (file is not null)
            {
                connection = await TenantCommands.ConnectionAsync(cli, client, parsed.GetValue(bootstrap), parsed.GetValue(caLocation), ct).ConfigureAwait(false);
                if (connection is null) return ExitCodes.Usage;
            }
            var user = await client.Users.ResetPasswordAsync(tenantId, parsed.GetRequiredValue(name), ct).ConfigureAwait(false);
            if (user.Password is not { } password)
            {
                await cli.Error.WriteLineAsync("fjord: the control plane answered without the new password").ConfigureAwait(false);
                return ExitCodes.Failure;
            }
            return await ShowPasswordAsync(cli, format, tenantId, user, password, file, connection, parsed.GetValue(caLocation), "Reset the password of").ConfigureAwait(false);
        }, ct));
        return command;
    }

    /// <summary>Writes the password into the client config when one is asked for (and then nowhere else), or prints it once.</summary>
    private static async Task<int> ShowPasswordAsync(CliContext cli, OutputFormat format, string tenantId, UserModel user, string password, string? file,
        ClusterConnectionModel? connection, string? caLocation, string verb)
    {
        if (file is not null)
        {
            var credentials = new AdminCredentialsModel(user.Username, password);
            if (!await TenantCommands.TryWritePropertiesAsync(cli.Error, file, tenantId, connection!, credentials, caLocation).ConfigureAwait(false))
            {
                await cli.Error.WriteLineAsync($"fjord: user {user.Name}'s password is lost with that file; 'fjord user reset-password {user.Name}' gives it a new one").ConfigureAwait(false);
                return ExitCodes.Failure;
            }
            await WriteAsync(cli.Output, format, user with { Password = null }, $"{verb} user {user.Name} of tenant {tenantId}: it logs in as {user.Username} "
                + $"with SCRAM-SHA-512 using {file}").ConfigureAwait(false);
            return ExitCodes.Success;
        }
        await WriteAsync(cli.Output, format, user, $"{verb} user {user.Name} of tenant {tenantId}: it logs in as {user.Username} "
            + $"with SCRAM-SHA-512 or SCRAM-SHA-256, password {password} (shown this once)").ConfigureAwait(false);
        return ExitCodes.Success;
    }

    private static Command List(CliContext cli)
    {
        var tenant = TenantOption.Create();
        var command = new Command("list", "List a tenant's SCRAM users (never their secrets).") { tenant };
        command.SetAction((parsed, ct) => ApiCommand.RunAsync(parsed, cli, async (client, format) =>
        {
            if (await TenantOption.ResolveAsync(parsed, tenant, client, cli, ct).ConfigureAwait(false) is not { } tenantId) return ExitCodes.Usage;
            var users = new List<UserModel>();
            await foreach (var u in client.Users.ListAllAsync(tenantId, ct: ct).ConfigureAwait(false)) users.Add(u);
            if (format == OutputFormat.Json) await ApiCommand.WriteJsonAsync(cli.Output, users).ConfigureAwait(false);
            else if (users.Count == 0) await cli.Output.WriteLineAsync($"Tenant {tenantId} has no users").ConfigureAwait(false);
            else await TextTable.WriteAsync(cli.Output, ["NAME", "USERNAME", "MECHANISMS"],
                users.Select(u => new[] { u.Name, u.Username, string.Join(", ", u.Credentials.Select(c => $"{c.Mechanism} ({c.Iterations} rounds)")) })).ConfigureAwait(false);
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static Command Delete(CliContext cli)
    {
        var name = NameArgument();
        var tenant = TenantOption.Create();
        var command = new Command("delete", "Delete a user: its credentials go at once, and the brokers close its live sessions within seconds.") { name, tenant };
        command.SetAction((parsed, ct) => ApiCommand.RunAsync(parsed, cli, async (client, format) =>
        {
            if (await TenantOption.ResolveAsync(parsed, tenant, client, cli, ct).ConfigureAwait(false) is not { } tenantId) return ExitCodes.Usage;
            var userName = parsed.GetRequiredValue(name);
            if (!await client.Users.DeleteAsync(tenantId, userName, ct).ConfigureAwait(false))
            {
                await cli.Error.WriteLineAsync($"fjord: tenant {tenantId} has no user {userName}").ConfigureAwait(false);
                return ExitCodes.Failure;
            }
            if (format == OutputFormat.Json) await ApiCommand.WriteJsonAsync(cli.Output, new DeletedUser(userName, "deleted")).ConfigureAwait(false);
            else await cli.Output.WriteLineAsync($"Deleted user {userName} of tenant {tenantId}; the brokers close its sessions within seconds").ConfigureAwait(false);
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static async Task WriteAsync(TextWriter output, OutputFormat format, UserModel user, string text)
    {
        if (format == OutputFormat.Json) await ApiCommand.WriteJsonAsync(output, user).ConfigureAwait(false);
        else await output.WriteLineAsync(text).ConfigureAwait(false);
    }

    private static Argument<string> NameArgument() => new("name") { Description = "The user's name in the tenant (letters, digits, '.', '_', '-', '@'); it logs in as <tenant>.<name>" };

    /// <summary>What <c>--output json</c> says of a delete.</summary>
    private sealed record DeletedUser(string Name, string State);
}
