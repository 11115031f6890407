using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Fjord.ControlPlane.Tenants;
using Fjord.Security.Authorization;
using Fjord.Security.Credentials;
using Fjord.Security.Tenancy;

namespace Fjord.Cli;

/// <summary>
/// <c>fjord tenant create|delete|suspend|resume|list|reset-admin-password</c>: <see cref="TenantAdministration"/>
/// over the cluster's tables, named as the brokers name them unless told otherwise.
/// </summary>
internal static class TenantCommands
{
    private const string ConnectionStringVariable = "FJORD_TABLE_CONNECTION_STRING";

    /// <summary>Where the tables are: options of <c>tenant</c> that every subcommand takes.</summary>
    private sealed record StoreOptions(Option<string> ConnectionString, Option<string> TenantsTable, Option<string> ScramTable, Option<string> AclsTable);

    public static Command Build(TextWriter output, TextWriter error)
    {
        var stores = new StoreOptions(
            new Option<string>("--table-connection-string")
            {
                Description = $"Azure Storage connection string of the cluster's tables (default: ${ConnectionStringVariable})",
                Recursive = true,
                DefaultValueFactory = _ => Environment.GetEnvironmentVariable(ConnectionStringVariable) ?? "",
            },
            TableOption("--tenants-table", TableTenantStore.DefaultTableName, "tenants"),
            TableOption("--scram-table", TableScramCredentialStore.DefaultTableName, "SCRAM credentials"),
            TableOption("--acls-table", TableAclStore.DefaultTableName, "ACLs"));
        var tenant = new Command("tenant", "Create, list, suspend, resume and delete tenants.")
        {
            stores.ConnectionString, stores.TenantsTable, stores.ScramTable, stores.AclsTable,
        };
        tenant.Add(Create(stores, output, error));
        tenant.Add(ResetAdminPassword(stores, output, error));
        tenant.Add(Delete(stores, output, error));
        tenant.Add(Move(stores, "suspend", "Suspend a tenant: its connections are closed and new ones refused; its data stays.", output, error,
            (admin, id, ct) => admin.SuspendAsync(id, ct)));
        tenant.Add(Move(stores, "resume", "Resume a suspended tenant.", output, error, (admin, id, ct) => admin.ResumeAsync(id, ct)));
        tenant.Add(List(stores, output, error));
        return tenant;
    }

    private static Command Create(StoreOptions stores, TextWriter output, TextWriter error)
    {
        var id = IdArgument();
        var displayName = new Option<string?>("--display-name") { Description = "A human name for the tenant (default: its id)" };
        var maxTopics = LimitOption<int>("--max-topics", "topics");
        var maxPartitions = LimitOption<int>("--max-partitions", "partitions over all its topics");
        var maxRetainedBytes = LimitOption<long>("--max-retained-bytes", "bytes retained over all its topics");
        var maxConnections = LimitOption<int>("--max-connections", "connections at once");
        var (bootstrap, propertiesOut, caLocation) = ClientOptions();
        var command = new Command("create", "Create a tenant and its admin user (<id>.admin), and write the admin's client properties.")
        {
            id, displayName, maxTopics, maxPartitions, maxRetainedBytes, maxConnections, bootstrap, propertiesOut, caLocation,
        };
        command.SetAction((parsed, ct) => RunAsync(parsed, stores, error, async admin =>
        {
            var tenantId = parsed.GetRequiredValue(id);
            var file = Path.GetFullPath(parsed.GetRequiredValue(propertiesOut));
            var limits = new TenantLimits(parsed.GetValue(maxTopics), parsed.GetValue(maxPartitions), parsed.GetValue(maxRetainedBytes), parsed.GetValue(maxConnections));
            var created = await admin.CreateTenantAsync(tenantId, parsed.GetValue(displayName), limits, ct).ConfigureAwait(false);
            if (!await TryWritePropertiesAsync(error, file, tenantId, parsed.GetRequiredValue(bootstrap), created.Admin, parsed.GetValue(caLocation)).ConfigureAwait(false))
            {
                await error.WriteLineAsync($"fjord: tenant {tenantId} was created, but its admin's password is lost with that file; "
                    + $"'fjord tenant reset-admin-password {tenantId}' gives it a new one").ConfigureAwait(false);
                return ExitCodes.Failure;
            }
            await output.WriteLineAsync($"Created tenant {tenantId} (cluster id {created.Tenant.ClusterId}); its admin {created.Admin.Username} "
                + $"logs in with SCRAM-SHA-512 using {file}").ConfigureAwait(false);
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static Command ResetAdminPassword(StoreOptions stores, TextWriter output, TextWriter error)
    {
        var id = IdArgument();
        var (bootstrap, propertiesOut, caLocation) = ClientOptions();
        var command = new Command("reset-admin-password", "Give a tenant's admin a new password (and its ACLs back), and write its client properties.")
        {
            id, bootstrap, propertiesOut, caLocation,
        };
        command.SetAction((parsed, ct) => RunAsync(parsed, stores, error, async admin =>
        {
            var tenantId = parsed.GetRequiredValue(id);
            var file = Path.GetFullPath(parsed.GetRequiredValue(propertiesOut));
            var credentials = await admin.ResetAdminPasswordAsync(tenantId, ct).ConfigureAwait(false);
            if (!await TryWritePropertiesAsync(error, file, tenantId, parsed.GetRequiredValue(bootstrap), credentials, parsed.GetValue(caLocation)).ConfigureAwait(false))
                return ExitCodes.Failure;
            await output.WriteLineAsync($"Tenant {tenantId}: {credentials.Username} has a new password, in {file}").ConfigureAwait(false);
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static Command Delete(StoreOptions stores, TextWriter output, TextWriter error)
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
        command.SetAction((parsed, ct) => RunAsync(parsed, stores, error, async admin =>
        {
            var tenantId = parsed.GetRequiredValue(id);
            var seconds = parsed.GetValue(wait);
            if (await admin.GetAsync(tenantId, ct).ConfigureAwait(false) is null)
            {
                // Deleting is idempotent, so a retried delete (say, after a wait ran out) succeeds once the tenant is gone.
                await output.WriteLineAsync($"Tenant {tenantId} does not exist; nothing to delete").ConfigureAwait(false);
                return ExitCodes.Success;
            }
            await admin.DeleteAsync(tenantId, ct).ConfigureAwait(false);
            if (seconds == 0)
            {
                await output.WriteLineAsync($"Tenant {tenantId} is being deleted; the brokers' controller removes what it owns").ConfigureAwait(false);
                return ExitCodes.Success;
            }
            await output.WriteLineAsync($"Tenant {tenantId} is being deleted; waiting up to {seconds} s for the brokers' controller to finish").ConfigureAwait(false);
            if (await admin.WaitForDeletionAsync(tenantId, TimeSpan.FromSeconds(seconds), ct).ConfigureAwait(false))
            {
                await output.WriteLineAsync($"Tenant {tenantId} is deleted").ConfigureAwait(false);
                return ExitCodes.Success;
            }
            await error.WriteLineAsync($"fjord: tenant {tenantId} is still being deleted after {seconds} s; is a broker running? "
                + "(the active controller removes it; 'fjord tenant list' shows it until then)").ConfigureAwait(false);
            return ExitCodes.Failure;
        }, ct));
        return command;
    }

    private static Command Move(StoreOptions stores, string name, string description, TextWriter output, TextWriter error, Func<TenantAdministration, string, CancellationToken, Task<Tenant>> move)
    {
        var id = IdArgument();
        var command = new Command(name, description) { id };
        command.SetAction((parsed, ct) => RunAsync(parsed, stores, error, async admin =>
        {
            var tenant = await move(admin, parsed.GetRequiredValue(id), ct).ConfigureAwait(false);
            await output.WriteLineAsync($"Tenant {tenant.Id} is {tenant.State.ToString().ToLowerInvariant()}").ConfigureAwait(false);
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static Command List(StoreOptions stores, TextWriter output, TextWriter error)
    {
        var command = new Command("list", "List every tenant: id, state, cluster id, limits, created, display name.");
        command.SetAction((parsed, ct) => RunAsync(parsed, stores, error, async admin =>
        {
            var tenants = await admin.ListAsync(ct).ConfigureAwait(false);
            if (tenants.Count == 0)
            {
                await output.WriteLineAsync("No tenants").ConfigureAwait(false);
                return ExitCodes.Success;
            }
            string[] header = ["ID", "STATE", "CLUSTER ID", "MAX TOPICS", "MAX PARTITIONS", "MAX RETAINED BYTES", "MAX CONNECTIONS", "CREATED", "DISPLAY NAME"];
            var rows = tenants.Select(t => new[]
            {
                t.Id, t.State.ToString().ToLowerInvariant(), t.ClusterId, Limit(t.Limits.MaxTopics), Limit(t.Limits.MaxPartitions),
                Limit(t.Limits.MaxRetainedBytes), Limit(t.Limits.MaxConnections), t.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture), t.DisplayName,
            }).Prepend(header).ToList();
            var widths = Enumerable.Range(0, header.Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
            foreach (var row in rows)
                await output.WriteLineAsync(string.Join("  ", row.Select((cell, c) => c == row.Length - 1 ? cell : cell.PadRight(widths[c]))).TrimEnd()).ConfigureAwait(false);
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static string Limit(long? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "-";

    /// <summary>Opens the stores, runs the operation, and turns what can go wrong into a message and an exit code.</summary>
    private static async Task<int> RunAsync(ParseResult parsed, StoreOptions stores, TextWriter error, Func<TenantAdministration, Task<int>> operation, CancellationToken ct)
    {
        var connectionString = parsed.GetValue(stores.ConnectionString);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            await error.WriteLineAsync($"fjord: --table-connection-string is required (or set ${ConnectionStringVariable})").ConfigureAwait(false);
            return ExitCodes.Usage;
        }
        TableServiceClient service;
        try
        {
            service = new TableServiceClient(connectionString);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            await error.WriteLineAsync($"fjord: --table-connection-string is not a storage connection string ({e.Message})").ConfigureAwait(false);
            return ExitCodes.Usage;
        }
        TableTenantStore tenants;
        TableScramCredentialStore credentials;
        TableAclStore acls;
        try
        {
            tenants = new TableTenantStore(service, parsed.GetRequiredValue(stores.TenantsTable));
            credentials = new TableScramCredentialStore(service, parsed.GetRequiredValue(stores.ScramTable));
            acls = new TableAclStore(service, parsed.GetRequiredValue(stores.AclsTable));
        }
        catch (ArgumentException e)
        {
            await error.WriteLineAsync($"fjord: {e.Message}").ConfigureAwait(false);
            return ExitCodes.Usage;
        }
        try
        {
            // A cluster whose brokers never ran has no tables yet; creating them is what the brokers would do.
            await tenants.InitializeAsync(ct).ConfigureAwait(false);
            await credentials.InitializeAsync(ct).ConfigureAwait(false);
            await acls.InitializeAsync(ct).ConfigureAwait(false);
            return await operation(new TenantAdministration(tenants, credentials, acls, TimeProvider.System)).ConfigureAwait(false);
        }
        catch (TenantAdministrationException e)
        {
            await error.WriteLineAsync($"fjord: {e.Message}").ConfigureAwait(false);
            return e.Kind == TenantErrorKind.Invalid ? ExitCodes.Usage : ExitCodes.Failure;
        }
        catch (RequestFailedException e)
        {
            await error.WriteLineAsync($"fjord: Table storage refused the request ({e.Status} {e.ErrorCode}): {FirstLine(e.Message)}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }
        catch (Exception e) when (e is HttpRequestException or IOException or AggregateException)
        {
            // The SDK's retries end in an AggregateException of one failure per try; the last says why.
            var cause = e is AggregateException { InnerExceptions: [.., var last] } ? last.Message : e.Message;
            await error.WriteLineAsync($"fjord: Table storage is unreachable at {service.Uri}: {FirstLine(cause)}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await error.WriteLineAsync("fjord: cancelled").ConfigureAwait(false);
            return ExitCodes.Failure;
        }
    }

    private static async Task<bool> TryWritePropertiesAsync(TextWriter error, string file, string tenantId, string bootstrap, TenantAdminCredentials admin, string? caLocation)
    {
        try
        {
            ClientProperties.Write(file, ClientProperties.Format(tenantId, bootstrap, admin.Username, admin.Password, caLocation is null ? null : Path.GetFullPath(caLocation)));
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"fjord: could not write {file}: {e.Message}").ConfigureAwait(false);
            return false;
        }
    }

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();

    private static Argument<string> IdArgument()
    {
        var id = new Argument<string>("id") { Description = "The tenant id: 2 to 32 of a-z, 0-9 and '-', starting with a letter; its names are stored as <id>.<name>" };
        id.Validators.Add(r =>
        {
            if (TenantNamespace.IdProblem(r.GetValueOrDefault<string>()) is { } problem) r.AddError(problem);
        });
        return id;
    }

    /// <summary>Where the admin's client properties go: the same keys as the local run's client.properties.</summary>
    private static (Option<string> Bootstrap, Option<string> PropertiesOut, Option<string?> CaLocation) ClientOptions()
    {
        var bootstrap = new Option<string>("--bootstrap-servers")
        {
            Description = "The brokers' SASL_SSL listeners, host:port,host:port (bootstrap.servers of the properties file)",
            Required = true,
        };
        var propertiesOut = new Option<string>("--properties-out")
        {
            Description = "Where to write the admin's client properties (mode 0600; it holds the password)",
            Required = true,
        };
        propertiesOut.Validators.Add(r =>
        {
            // Checked before anything is created: a password that cannot be written down is a lost password.
            var path = r.GetValueOrDefault<string>();
            if (string.IsNullOrWhiteSpace(path)) return;
            var folder = Path.GetDirectoryName(Path.GetFullPath(path));
            if (folder is not null && !Directory.Exists(folder)) r.AddError($"--properties-out: the folder {folder} does not exist");
            else if (Directory.Exists(path)) r.AddError($"--properties-out: {path} is a folder");
        });
        var caLocation = new Option<string?>("--ca-location")
        {
            Description = "The CA certificate (PEM) that signed the brokers' certificates (ssl.ca.location of the properties file)",
        };
        caLocation.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is { } ca && !File.Exists(ca)) r.AddError($"--ca-location: {ca} does not exist");
        });
        return (bootstrap, propertiesOut, caLocation);
    }

    private static Option<T?> LimitOption<T>(string name, string what) where T : struct, IComparable<T>
    {
        var option = new Option<T?>(name) { Description = $"At most this many {what} (default: no limit)" };
        option.Validators.Add(r =>
        {
            if (TryGetValue<T?>(r, out var value) && value is { } limit && limit.CompareTo(default) < 0) r.AddError($"{name} must not be negative");
        });
        return option;
    }

    /// <summary>The option's value, or false when it did not parse (the parser reports that error itself).</summary>
    private static bool TryGetValue<T>(OptionResult result, out T? value)
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

    private static Option<string> TableOption(string name, string defaultTable, string what) => new(name)
    {
        Description = $"The table of {what}, as the brokers name it",
        Recursive = true,
        DefaultValueFactory = _ => defaultTable,
    };
}
