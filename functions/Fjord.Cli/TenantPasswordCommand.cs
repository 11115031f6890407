using System.CommandLine;
using Azure;
using Azure.Data.Tables;
using Fjord.ControlPlane.Tenants;
using Fjord.Security.Authorization;
using Fjord.Security.Credentials;
using Fjord.Security.Tenancy;

namespace Fjord.Cli;

/// <summary>
/// <c>fjord tenant reset-admin-password</c>: the one tenant command that writes the cluster's tables directly, because
/// the API deliberately hands a password out only once, when it creates the tenant; this is the way back in when that
/// password is lost, for whoever holds the storage connection string.
/// </summary>
internal static class TenantPasswordCommand
{
    public static Command Build(CliContext cli)
    {
        var id = TenantCommands.IdArgument();
        var connection = TableConnectionOption(cli.Environment);
        var tenantsTable = TableOption("--tenants-table", TableTenantStore.DefaultTableName, "tenants");
        var scramTable = TableOption("--scram-table", TableScramCredentialStore.DefaultTableName, "SCRAM credentials");
        var aclsTable = TableOption("--acls-table", TableAclStore.DefaultTableName, "ACLs");
        var (clientConfig, bootstrap, caLocation) = TenantCommands.ClientConfigOptions(required: true);
        bootstrap.Required = true;
        var command = new Command("reset-admin-password", "Give a tenant's admin a new password (and its ACLs back), and write its client properties. "
            + "Writes Table storage directly (the API shows a password only when it creates the tenant).")
        {
            id, connection, tenantsTable, scramTable, aclsTable, clientConfig, bootstrap, caLocation,
        };
        command.SetAction(async (parsed, ct) =>
        {
            var connectionString = parsed.GetValue(connection);
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                await cli.Error.WriteLineAsync($"fjord: --table-connection is required (or set ${CliEnvironment.TableConnectionVariable})").ConfigureAwait(false);
                return ExitCodes.Usage;
            }
            TableServiceClient service;
            TableTenantStore tenants;
            TableScramCredentialStore credentials;
            TableAclStore acls;
            try
            {
                service = new TableServiceClient(connectionString);
                tenants = new TableTenantStore(service, parsed.GetRequiredValue(tenantsTable));
                credentials = new TableScramCredentialStore(service, parsed.GetRequiredValue(scramTable));
                acls = new TableAclStore(service, parsed.GetRequiredValue(aclsTable));
            }
            catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
            {
                await cli.Error.WriteLineAsync($"fjord: {e.Message}").ConfigureAwait(false);
                return ExitCodes.Usage;
            }
            var tenantId = parsed.GetRequiredValue(id);
            var file = Path.GetFullPath(parsed.GetRequiredValue(clientConfig)!);
            try
            {
                await tenants.InitializeAsync(ct).ConfigureAwait(false);
                await credentials.InitializeAsync(ct).ConfigureAwait(false);
                await acls.InitializeAsync(ct).ConfigureAwait(false);
                var admin = new TenantAdministration(tenants, credentials, acls, TimeProvider.System);
                var reset = await admin.ResetAdminPasswordAsync(tenantId, ct).ConfigureAwait(false);
                var ca = parsed.GetValue(caLocation) is { } location ? Path.GetFullPath(location) : null;
                ClientProperties.Write(file, ClientProperties.Format(tenantId, parsed.GetRequiredValue(bootstrap)!, reset.Username, reset.Password, ca));
                await cli.Output.WriteLineAsync($"Tenant {tenantId}: {reset.Username} has a new password, in {file}").ConfigureAwait(false);
                return ExitCodes.Success;
            }
            catch (TenantAdministrationException e)
            {
                await cli.Error.WriteLineAsync($"fjord: {e.Message}").ConfigureAwait(false);
                return e.Kind == TenantErrorKind.Invalid ? ExitCodes.Usage : ExitCodes.Failure;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                await cli.Error.WriteLineAsync($"fjord: could not write {file}: {e.Message}").ConfigureAwait(false);
                return ExitCodes.Failure;
            }
            catch (RequestFailedException e)
            {
                await cli.Error.WriteLineAsync($"fjord: Table storage refused the request ({e.Status} {e.ErrorCode}): {ApiCommand.FirstLine(e.Message)}").ConfigureAwait(false);
                return ExitCodes.Failure;
            }
            catch (Exception e) when (e is HttpRequestException or AggregateException)
            {
                // The SDK's retries end in an AggregateException of one failure per try; the last says why.
                var cause = e is AggregateException { InnerExceptions: [.., var last] } ? last.Message : e.Message;
                await cli.Error.WriteLineAsync($"fjord: Table storage is unreachable at {service.Uri}: {ApiCommand.FirstLine(cause)}").ConfigureAwait(false);
                return ExitCodes.Failure;
            }
        });
        return command;
    }

    /// <summary>The storage connection string, named as the control plane names it; the CLI's older option name still works.</summary>
    public static Option<string> TableConnectionOption(CliEnvironment environment) => new("--table-connection", "--table-connection-string")
    {
        Description = $"Azure Storage connection string of the cluster's tables (default: ${CliEnvironment.TableConnectionVariable}, or ${CliEnvironment.LegacyTableConnectionVariable})",
        DefaultValueFactory = _ => environment.TableConnection ?? "",
    };

    private static Option<string> TableOption(string name, string defaultTable, string what) => new(name)
    {
        Description = $"The table of {what}, as the brokers name it",
        DefaultValueFactory = _ => defaultTable,
    };
}
