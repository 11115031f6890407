using System.CommandLine;
using Azure;
using Azure.Data.Tables;
using Fjord.ControlPlane.ApiKeys;
using Fjord.Security.Tenancy;

namespace Fjord.Cli;

/// <summary>
/// <c>fjord api-key create</c>: writes a control-plane API key straight into Table storage. This is how the first
/// operator key is seeded (fjord.sh runs it before the control plane has any key to accept). The key alone goes to
/// stdout, so a script can capture it; what it is goes to stderr.
/// </summary>
internal static class ApiKeyCommands
{
    public static Command Build(CliContext cli)
    {
        var (output, error) = (cli.Output, cli.Error);
        var connection = TenantPasswordCommand.TableConnectionOption(cli.Environment);
        var table = new Option<string>("--api-keys-table")
        {
            Description = "The control plane's API key table",
            DefaultValueFactory = _ => ApiKeyStore.DefaultTableName,
        };
        var tenant = new Option<string?>("--tenant") { Description = "Make a key for this tenant only (default: an operator key, for every tenant)" };
        tenant.Validators.Add(r =>
        {
            if (r.Tokens is [var token] && TenantNamespace.IdProblem(token.Value) is { } problem) r.AddError(problem);
        });
        var days = new Option<int>("--lifetime-days") { Description = "Days until the key expires (default 90)", DefaultValueFactory = _ => 90 };
        days.Validators.Add(r =>
        {
            if (r.Tokens is [var token] && (!int.TryParse(token.Value, out var value) || value is < 1 or > 3650))
                r.AddError("--lifetime-days must be from 1 to 3650");
        });
        var description = new Option<string?>("--description") { Description = "Who or what the key is for" };
        var create = new Command("create", "Create an API key for the control plane's HTTP API and print it (shown once; only its hash is stored).")
        {
            connection, table, tenant, days, description,
        };
        create.SetAction(async (parsed, ct) =>
        {
            var connectionString = parsed.GetValue(connection);
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                await error.WriteLineAsync($"fjord: --table-connection is required (or set ${CliEnvironment.TableConnectionVariable})").ConfigureAwait(false);
                return ExitCodes.Usage;
            }
            try
            {
                var store = new ApiKeyStore(new TableServiceClient(connectionString), TimeProvider.System, parsed.GetRequiredValue(table));
                await store.InitializeAsync(ct).ConfigureAwait(false);
                var lifetime = TimeSpan.FromDays(parsed.GetValue(days));
                var tenantId = parsed.GetValue(tenant);
                var created = tenantId is null
                    ? await store.CreateOperatorKeyAsync(lifetime, parsed.GetValue(description), ct).ConfigureAwait(false)
                    : await store.CreateTenantKeyAsync(tenantId, lifetime, parsed.GetValue(description), ct).ConfigureAwait(false);
                await output.WriteLineAsync(created.Secret).ConfigureAwait(false);
                var scope = tenantId is null ? "operator key" : $"key of tenant {tenantId}";
                await error.WriteLineAsync($"Created {scope} {created.Principal.KeyId}, expiring {created.Principal.ExpiresAt:u}").ConfigureAwait(false);
                return ExitCodes.Success;
            }
            catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
            {
                await error.WriteLineAsync($"fjord: {e.Message}").ConfigureAwait(false);
                return ExitCodes.Usage;
            }
            catch (Exception e) when (e is RequestFailedException or HttpRequestException or IOException or AggregateException)
            {
                await error.WriteLineAsync($"fjord: Table storage failed: {e.Message.Split('\n')[0]}").ConfigureAwait(false);
                return ExitCodes.Failure;
            }
        });
        return new Command("api-key", "Manage the control plane's API keys.") { create };
    }
}
