using System.CommandLine;
using Azure;
using Azure.Data.Tables;
using Azure.Identity;
using Fjord.ControlPlane.ApiKeys;

namespace Fjord.Cli;

/// <summary>
/// <c>fjord api-key create</c> straight into Table storage: how the first operator key is seeded (fjord.sh runs it
/// before the control plane has any key to accept; in Azure, azd's postprovision hook does, as the signed-in deployer).
/// Used when <c>--table-connection</c> or <c>--table-endpoint</c> is given, or when no control plane is configured but
/// a storage connection string is.
/// </summary>
internal sealed class ApiKeyTableCommand(CliContext cli)
{
    private readonly Option<string> _connection = TenantPasswordCommand.TableConnectionOption(cli.Environment);

    // Azure storage accounts deployed by infra/ refuse shared keys, so there the caller's Entra ID identity signs in.
    private readonly Option<string?> _endpoint = new("--table-endpoint")
    {
        Description = "The Table service URL of the cluster's storage account (https://<account>.table.core.windows.net), reached as the "
            + "signed-in Azure identity (az login, a managed identity or AZURE_* environment variables); instead of --table-connection",
    };

    private readonly Option<string> _table = new("--api-keys-table")
    {
        Description = "The control plane's API key table (with --table-connection)",
        DefaultValueFactory = _ => ApiKeyStore.DefaultTableName,
    };

    public void AddTo(Command command)
    {
        command.Add(_connection);
        command.Add(_endpoint);
        command.Add(_table);
    }

    /// <summary>Whether to write the table: asked for by name, or the only way there is.</summary>
    public bool Applies(ParseResult parsed)
    {
        if (parsed.GetResult(_connection) is { Implicit: false } || parsed.GetValue(_endpoint) is not null) return true;
        var (target, _) = ApiTarget.Resolve(parsed.GetValue(cli.Options.ApiUrl), parsed.GetValue(cli.Options.ApiKey), cli.Environment);
        return target is null && cli.Environment.TableConnection is not null;
    }

    public async Task<int> RunAsync(ParseResult parsed, string? tenantId, int lifetimeDays, string? description, CancellationToken ct)
    {
        var (tables, problem) = Tables(parsed);
        if (tables is null)
        {
            await cli.Error.WriteLineAsync($"fjord: {problem}").ConfigureAwait(false);
            return ExitCodes.Usage;
        }
        try
        {
            var store = new ApiKeyStore(tables, TimeProvider.System, parsed.GetRequiredValue(_table));
            await store.InitializeAsync(ct).ConfigureAwait(false);
            var lifetime = TimeSpan.FromDays(lifetimeDays);
            var created = tenantId is null
                ? await store.CreateOperatorKeyAsync(lifetime, description, ct).ConfigureAwait(false)
                : await store.CreateTenantKeyAsync(tenantId, lifetime, description, ct).ConfigureAwait(false);
            // The key alone goes to stdout, so a script can capture it; what it is goes to stderr.
            await cli.Output.WriteLineAsync(created.Secret).ConfigureAwait(false);
            var scope = tenantId is null ? "operator key" : $"key of tenant {tenantId}";
            await cli.Error.WriteLineAsync($"Created {scope} {created.Principal.KeyId} in Table storage, expiring {created.Principal.ExpiresAt:u}").ConfigureAwait(false);
            return ExitCodes.Success;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            await cli.Error.WriteLineAsync($"fjord: {e.Message}").ConfigureAwait(false);
            return ExitCodes.Usage;
        }
        catch (AuthenticationFailedException e)
        {
            await cli.Error.WriteLineAsync($"fjord: no Azure identity to reach {parsed.GetValue(_endpoint)} with: sign in with 'az login' (it needs Storage Table Data Contributor on the account): {ApiCommand.FirstLine(e.Message)}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }
        catch (Exception e) when (e is RequestFailedException or HttpRequestException or IOException or AggregateException)
        {
            await cli.Error.WriteLineAsync($"fjord: Table storage failed: {ApiCommand.FirstLine(e.Message)}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }
    }

    private (TableServiceClient? Tables, string? Problem) Tables(ParseResult parsed)
    {
        if (parsed.GetValue(_endpoint) is { } endpoint)
        {
            if (parsed.GetResult(_connection) is { Implicit: false })
                return (null, "give --table-connection or --table-endpoint, not both");
            // The SDK sends a bearer token over TLS only.
            if (!Uri.TryCreate(endpoint.Trim(), UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
                return (null, $"--table-endpoint must be the account's https:// Table service URL, such as https://myaccount.table.core.windows.net, not '{endpoint}'");
            return (new TableServiceClient(uri, new DefaultAzureCredential()), null);
        }
        var connectionString = parsed.GetValue(_connection);
        return string.IsNullOrWhiteSpace(connectionString)
            ? (null, $"--table-connection is empty (or set ${CliEnvironment.TableConnectionVariable})")
            : (new TableServiceClient(connectionString), null);
    }
}
