using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Fjord.ControlPlane.Client;
using Fjord.ControlPlane.Client.Cluster;
using Fjord.ControlPlane.Client.Tenants;
using Fjord.Security.Tenancy;

namespace Fjord.Cli;

/// <summary>
/// <c>fjord tenant list|get|create|suspend|resume|set-limits|delete</c> through the control plane's HTTP API, and
/// <c>reset-admin-password</c>, which the API does not offer, straight on the cluster's tables.
/// </summary>
internal static class TenantCommands
{
    public static Command Build(CliContext cli)
    {
        var tenant = new Command("tenant", "Create, list, suspend, resume and delete tenants (through the control plane's API).");
        tenant.Add(List(cli));
        tenant.Add(Get(cli));
        tenant.Add(Create(cli));
        tenant.Add(Move(cli, "suspend", "Suspend a tenant: its connections are closed and new ones refused; its data stays.", (c, id, ct) => c.Tenants.SuspendAsync(id, null, ct)));
        tenant.Add(Move(cli, "resume", "Resume a suspended tenant.", (c, id, ct) => c.Tenants.ResumeAsync(id, null, ct)));
        tenant.Add(SetLimits(cli));
        tenant.Add(TenantQuotaCommands.Show(cli));
        tenant.Add(TenantQuotaCommands.Set(cli));
        tenant.Add(TenantUsageCommand.Build(cli));
        tenant.Add(Delete(cli));
        tenant.Add(TenantPasswordCommand.Build(cli));
        return tenant;
    }

    private static Command List(CliContext cli)
    {
        var command = new Command("list", "List every tenant the key may see: id, state, cluster id, limits, created, display name.");
        command.SetAction((parsed, ct) => ApiCommand.RunAsync(parsed, cli, async (client, format) =>
        {
            var tenants = new List<TenantModel>();
            await foreach (var t in client.Tenants.ListAllAsync(ct: ct).ConfigureAwait(false)) tenants.Add(t);
            if (format == OutputFormat.Json)
            {
                await ApiCommand.WriteJsonAsync(cli.Output, tenants).ConfigureAwait(false);
                return ExitCodes.Success;
            }
            if (tenants.Count == 0)
            {
                await cli.Output.WriteLineAsync("No tenants").ConfigureAwait(false);
                return ExitCodes.Success;
            }
            string[] header = ["ID", "STATE", "CLUSTER ID", "MAX TOPICS", "MAX PARTITIONS", "MAX RETAINED BYTES", "MAX CONNECTIONS", "CREATED", "DISPLAY NAME"];
            var rows = tenants.Select(t => new[]
            {
                t.Id, State(t.State), t.ClusterId, Limit(t.Limits.MaxTopics), Limit(t.Limits.MaxPartitions),
                Limit(t.Limits.MaxRetainedBytes), Limit(t.Limits.MaxConnections), Time(t.CreatedAt), t.DisplayName,
            }).Prepend(header).ToList();
            var widths = Enumerable.Range(0, header.Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
            foreach (var row in rows)
                await cli.Output.WriteLineAsync(string.Join("  ", row.Select((cell, c) => c == row.Length - 1 ? cell : cell.PadRight(widths[c]))).TrimEnd()).ConfigureAwait(false);
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static Command Get(CliContext cli)
    {
        var id = IdArgument();
        var command = new Command("get", "Show one tenant.") { id };
        command.SetAction((parsed, ct) => ApiCommand.RunAsync(parsed, cli, async (client, format) =>
        {
            var tenantId = parsed.GetRequiredValue(id);
            if (await client.Tenants.GetAsync(tenantId, ct).ConfigureAwait(false) is not { } tenant)
            {
                await cli.Error.WriteLineAsync($"fjord: Tenant {tenantId} does not exist").ConfigureAwait(false);
                return ExitCodes.Failure;
            }
            await WriteTenantAsync(cli.Output, format, tenant).ConfigureAwait(false);
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static Command Create(CliContext cli)
    {
        var id = IdArgument();
        var displayName = new Option<string?>("--display-name") { Description = "A human name for the tenant (default: its id)" };
        var limits = new LimitOptions();
        var (clientConfig, bootstrap, caLocation) = ClientConfigOptions(required: false);
        var command = new Command("create", "Create a tenant and its admin user (<id>.admin); with --client-config, write the admin's client properties.")
        {
            id, displayName, clientConfig, bootstrap, caLocation,
        };
        limits.AddTo(command);
        command.SetAction((parsed, ct) => ApiCommand.RunAsync(parsed, cli, async (client, format) =>
        {
            var tenantId = parsed.GetRequiredValue(id);
            var file = parsed.GetValue(clientConfig) is { } path ? Path.GetFullPath(path) : null;
            ClusterConnectionModel? connection = null;
            if (file is not null)
            {
                // Asked before the tenant exists: a password that cannot be written down is a lost password.
                connection = await ConnectionAsync(cli, client, parsed.GetValue(bootstrap), parsed.GetValue(caLocation), ct).ConfigureAwait(false);
                if (connection is null) return ExitCodes.Usage;
            }
            var created = await client.Tenants.CreateAsync(tenantId, parsed.GetValue(displayName), limits.Read(parsed), ct).ConfigureAwait(false);
            var tenant = created.Tenant;
            if (!created.Created || tenant.Admin is not { } admin)
            {
                if (format == OutputFormat.Json) await ApiCommand.WriteJsonAsync(cli.Output, tenant).ConfigureAwait(false);
                else await cli.Output.WriteLineAsync($"Tenant {tenantId} exists already with these settings").ConfigureAwait(false);
                if (file is null) return ExitCodes.Success;
                await cli.Error.WriteLineAsync($"fjord: tenant {tenantId} existed already, so its admin's password is not known here and {file} was not written; "
                    + $"'fjord tenant reset-admin-password {tenantId}' gives it a new one").ConfigureAwait(false);
                return ExitCodes.Failure;
            }
            if (file is not null)
            {
                if (!await TryWritePropertiesAsync(cli.Error, file, tenantId, connection!, admin, parsed.GetValue(caLocation)).ConfigureAwait(false))
                {
                    await cli.Error.WriteLineAsync($"fjord: tenant {tenantId} was created, but its admin's password is lost with that file; "
                        + $"'fjord tenant reset-admin-password {tenantId}' gives it a new one").ConfigureAwait(false);
                    return ExitCodes.Failure;
                }
                // The password is in the file; it is not printed as well.
                tenant = tenant with { Admin = null };
            }
            if (format == OutputFormat.Json)
            {
                await ApiCommand.WriteJsonAsync(cli.Output, tenant).ConfigureAwait(false);
            }
            else if (file is not null)
            {
                await cli.Output.WriteLineAsync($"Created tenant {tenantId} (cluster id {tenant.ClusterId}); its admin {admin.Username} "
                    + $"logs in with SCRAM-SHA-512 using {file}").ConfigureAwait(false);
            }
            else
            {
                await cli.Output.WriteLineAsync($"Created tenant {tenantId} (cluster id {tenant.ClusterId}); its admin {admin.Username} "
                    + $"logs in with SCRAM-SHA-512, password {admin.Password} (shown this once)").ConfigureAwait(false);
            }
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static Command Move(CliContext cli, string name, string description, Func<ControlPlaneClient, string, CancellationToken, Task<TenantModel>> move)
    {
        var id = IdArgument();
        var command = new Command(name, description) { id };
        command.SetAction((parsed, ct) => ApiCommand.RunAsync(parsed, cli, async (client, format) =>
        {
            var tenant = await move(client, parsed.GetRequiredValue(id), ct).ConfigureAwait(false);
            if (format == OutputFormat.Json) await ApiCommand.WriteJsonAsync(cli.Output, tenant).ConfigureAwait(false);
            else await cli.Output.WriteLineAsync($"Tenant {tenant.Id} is {State(tenant.State)}").ConfigureAwait(false);
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static Command SetLimits(CliContext cli)
    {
        var id = IdArgument();
        var limits = new LimitOptions();
        var command = new Command("set-limits", "Replace a tenant's limits: a limit left out is no limit.") { id };
        limits.AddTo(command);
        command.SetAction((parsed, ct) => ApiCommand.RunAsync(parsed, cli, async (client, format) =>
        {
            var tenant = await client.Tenants.SetLimitsAsync(parsed.GetRequiredValue(id), limits.Read(parsed), null, ct).ConfigureAwait(false);
            if (format == OutputFormat.Json)
            {
                await ApiCommand.WriteJsonAsync(cli.Output, tenant).ConfigureAwait(false);
            }
            else
            {
                var l = tenant.Limits;
                await cli.Output.WriteLineAsync($"Tenant {tenant.Id}: max topics {Limit(l.MaxTopics)}, max partitions {Limit(l.MaxPartitions)}, "
                    + $"max retained bytes {Limit(l.MaxRetainedBytes)}, max connections {Limit(l.MaxConnections)}").ConfigureAwait(false);
            }
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static Command Delete(CliContext cli)
    {
        var id = IdArgument();
        var wait = new Option<int>("--wait-seconds")
        {
            Description = "Wait up to this long for the brokers' controller to remove everything the tenant owns (default 0: do not wait)",
            DefaultValueFactory = _ => 0,
        };
        wait.Validators.Add(r =>
        {
            if (TryGetValue<int>(r, out var seconds) && seconds < 0) r.AddError("--wait-seconds must not be negative");
        });
        var command = new Command("delete", "Delete a tenant: refused at once, then its topics, groups, ACLs and users are removed by the brokers' controller.")
        {
            id, wait,
        };
        command.SetAction((parsed, ct) => ApiCommand.RunAsync(parsed, cli, async (client, format) =>
        {
            var tenantId = parsed.GetRequiredValue(id);
            var seconds = parsed.GetValue(wait);
            if (await client.Tenants.DeleteAsync(tenantId, null, ct).ConfigureAwait(false) is null)
            {
                // Deleting is idempotent, so a retried delete (say, after a wait ran out) succeeds once the tenant is gone.
                await WriteDeletionAsync(cli.Output, format, tenantId, deleted: true, $"Tenant {tenantId} does not exist; nothing to delete").ConfigureAwait(false);
                return ExitCodes.Success;
            }
            if (seconds == 0)
            {
                await WriteDeletionAsync(cli.Output, format, tenantId, deleted: false, $"Tenant {tenantId} is being deleted; the brokers' controller removes what it owns").ConfigureAwait(false);
                return ExitCodes.Success;
            }
            await cli.Error.WriteLineAsync($"Tenant {tenantId} is being deleted; waiting up to {seconds} s for the brokers' controller to finish").ConfigureAwait(false);
            var started = DateTimeOffset.UtcNow;
            var lastSaid = started;
            var progress = new Reporter<TenantModel>(_ =>
            {
                // Every ten seconds, so a long wait shows it is alive without flooding the terminal.
                var now = DateTimeOffset.UtcNow;
                if (now - lastSaid < TimeSpan.FromSeconds(10)) return;
                lastSaid = now;
                cli.Error.WriteLine($"Tenant {tenantId} is still being deleted after {(int)(now - started).TotalSeconds} s");
            });
            if (await client.Tenants.WaitUntilGoneAsync(tenantId, TimeSpan.FromSeconds(seconds), progress, TimeSpan.FromMilliseconds(500), ct: ct).ConfigureAwait(false))
            {
                await WriteDeletionAsync(cli.Output, format, tenantId, deleted: true, $"Tenant {tenantId} is deleted").ConfigureAwait(false);
                return ExitCodes.Success;
            }
            await cli.Error.WriteLineAsync($"fjord: tenant {tenantId} is still being deleted after {seconds} s; is a broker running? "
                + "(the active controller removes it; 'fjord tenant list' shows it until then)").ConfigureAwait(false);
            return ExitCodes.Failure;
        }, ct));
        return command;
    }

    private static async Task WriteDeletionAsync(TextWriter output, OutputFormat format, string id, bool deleted, string text)
    {
        if (format == OutputFormat.Json) await ApiCommand.WriteJsonAsync(output, new DeletionModel(id, deleted ? "deleted" : "deleting")).ConfigureAwait(false);
        else await output.WriteLineAsync(text).ConfigureAwait(false);
    }

    private static async Task WriteTenantAsync(TextWriter output, OutputFormat format, TenantModel t)
    {
        if (format == OutputFormat.Json)
        {
            await ApiCommand.WriteJsonAsync(output, t).ConfigureAwait(false);
            return;
        }
        (string, string)[] fields =
        [
            ("id", t.Id), ("display name", t.DisplayName), ("state", State(t.State)), ("cluster id", t.ClusterId),
            ("max topics", Limit(t.Limits.MaxTopics)), ("max partitions", Limit(t.Limits.MaxPartitions)),
            ("max retained bytes", Limit(t.Limits.MaxRetainedBytes)), ("max connections", Limit(t.Limits.MaxConnections)),
            ("created", Time(t.CreatedAt)),
        ];
        var width = fields.Max(f => f.Item1.Length) + 1;
        foreach (var (name, value) in fields)
            await output.WriteLineAsync((name + ":").PadRight(width) + " " + value).ConfigureAwait(false);
    }

    /// <summary>The bootstrap servers and CA for a client config: from the options, else from the control plane.</summary>
    internal static async Task<ClusterConnectionModel?> ConnectionAsync(CliContext cli, ControlPlaneClient client, string? bootstrap, string? caLocation, CancellationToken ct)
    {
        if (bootstrap is not null && caLocation is not null) return new ClusterConnectionModel(bootstrap, null);
        try
        {
            var known = await client.Cluster.GetConnectionAsync(ct).ConfigureAwait(false);
            return new ClusterConnectionModel(bootstrap ?? known.BootstrapServers, caLocation is null ? known.CaCertificate : null);
        }
        catch (ControlPlaneException e) when (e.Status == 404 && bootstrap is not null)
        {
            return new ClusterConnectionModel(bootstrap, null);
        }
        catch (ControlPlaneException e) when (e.Status == 404)
        {
            await cli.Error.WriteLineAsync($"fjord: {e.Detail}; pass --bootstrap-servers (and --ca-location) to write --client-config").ConfigureAwait(false);
            return null;
        }
    }

    internal static async Task<bool> TryWritePropertiesAsync(TextWriter error, string file, string tenantId, ClusterConnectionModel connection, AdminCredentialsModel admin, string? caLocation)
    {
        try
        {
            var ca = caLocation is null ? null : Path.GetFullPath(caLocation);
            if (ca is null && connection.CaCertificate is { } pem)
            {
                // The CA is public; written beside the properties so ssl.ca.location can name a file.
                ca = Path.ChangeExtension(file, ".ca.pem");
                await File.WriteAllTextAsync(ca, pem).ConfigureAwait(false);
            }
            ClientProperties.Write(file, ClientProperties.Format(tenantId, connection.BootstrapServers, admin.Username, admin.Password, ca));
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"fjord: could not write {file}: {e.Message}").ConfigureAwait(false);
            return false;
        }
    }

    private static string State(TenantStatus state) => state.ToString().ToLowerInvariant();

    private static string Limit(long? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "-";

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static Argument<string> IdArgument()
    {
        var id = new Argument<string>("id") { Description = "The tenant id: 2 to 32 of a-z, 0-9 and '-', starting with a letter; its names are stored as <id>.<name>" };
        id.Validators.Add(r =>
        {
            if (TenantNamespace.IdProblem(r.GetValueOrDefault<string>()) is { } problem) r.AddError(problem);
        });
        return id;
    }

    /// <summary>Where the admin's client properties go and what they say: the same keys as the local run's client.properties.</summary>
    public static (Option<string?> ClientConfig, Option<string?> Bootstrap, Option<string?> CaLocation) ClientConfigOptions(bool required)
    {
        var clientConfig = new Option<string?>("--client-config", "--properties-out")
        {
            Description = "Write the admin's client properties (librdkafka / Java names; mode 0600, it holds the password) to this file",
            Required = required,
        };
        clientConfig.Validators.Add(r =>
        {
            // Checked before anything is created: a password that cannot be written down is a lost password.
            var path = r.GetValueOrDefault<string?>();
            if (string.IsNullOrWhiteSpace(path)) return;
            var folder = Path.GetDirectoryName(Path.GetFullPath(path));
            if (folder is not null && !Directory.Exists(folder)) r.AddError($"--client-config: the folder {folder} does not exist");
            else if (Directory.Exists(path)) r.AddError($"--client-config: {path} is a folder");
        });
        var bootstrap = new Option<string?>("--bootstrap-servers")
        {
            Description = "The brokers' SASL_SSL listeners, host:port,host:port (default: what the control plane says)",
        };
        var caLocation = new Option<string?>("--ca-location")
        {
            Description = "The CA certificate (PEM) that signed the brokers' certificates (default: the control plane's, written beside the client config)",
        };
        caLocation.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is { } ca && !File.Exists(ca)) r.AddError($"--ca-location: {ca} does not exist");
        });
        return (clientConfig, bootstrap, caLocation);
    }

    /// <summary>The option's value, or false when it did not parse (the parser reports that error itself).</summary>
    public static bool TryGetValue<T>(OptionResult result, out T? value)
    {
        try
        {
            value = result.GetValueOrDefault<T>();
            return true;
        }
        catch (InvalidOperationException)
        {
            value = default;
            return false;
        }
    }

    /// <summary>What <c>--output json</c> says of a delete.</summary>
    private sealed record DeletionModel(string Id, string State);

    /// <summary>Reports on the caller's thread (Progress&lt;T&gt; would post to the thread pool and interleave output).</summary>
    private sealed class Reporter<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
