using System.CommandLine;
using System.Globalization;
using Fjord.ControlPlane.Client;
using Fjord.ControlPlane.Client.ApiKeys;
using Fjord.Security.Tenancy;

namespace Fjord.Cli;

/// <summary>
/// <c>fjord api-key create|list|delete</c> through the control plane's HTTP API. <c>create</c> alone can also write
/// Table storage directly (<see cref="ApiKeyTableCommand"/>): that is how the first operator key is made, before the
/// control plane has any key to accept.
/// </summary>
internal static class ApiKeyCommands
{
    public static Command Build(CliContext cli) => new("api-key", "Create, list and delete the control plane's API keys.")
    {
        Create(cli), List(cli), Delete(cli),
    };

    private static Command Create(CliContext cli)
    {
        var direct = new ApiKeyTableCommand(cli);
        var tenant = TenantId("--tenant", "Make a key for this tenant only (default: an operator key, for every tenant)");
        var days = new Option<int>("--lifetime-days") { Description = "Days until the key expires (default 90)", DefaultValueFactory = _ => 90 };
        days.Validators.Add(r =>
        {
            if (r.Tokens is [var token] && (!int.TryParse(token.Value, out var value) || value is < 1 or > 3650))
                r.AddError("--lifetime-days must be from 1 to 3650");
        });
        var description = new Option<string?>("--description") { Description = "Who or what the key is for" };
        var create = new Command("create", "Create an API key for the control plane's HTTP API and print it (shown once; only its hash is stored). "
            + "With --table-connection (or with none but $" + CliEnvironment.TableConnectionVariable + " known), writes Table storage directly: the first operator key.")
        {
            tenant, days, description,
        };
        direct.AddTo(create);
        create.SetAction(async (parsed, ct) =>
        {
            if (direct.Applies(parsed)) return await direct.RunAsync(parsed, parsed.GetValue(tenant), parsed.GetValue(days), parsed.GetValue(description), ct).ConfigureAwait(false);
            return await ApiCommand.RunAsync(parsed, cli, async (client, format) =>
            {
                var created = await client.ApiKeys.CreateAsync(parsed.GetValue(tenant), parsed.GetValue(days), parsed.GetValue(description), ct).ConfigureAwait(false);
                if (format == OutputFormat.Json)
                {
                    await ApiCommand.WriteJsonAsync(cli.Output, created).ConfigureAwait(false);
                    return ExitCodes.Success;
                }
                // The key alone goes to stdout, so a script can capture it; what it is goes to stderr.
                await cli.Output.WriteLineAsync(created.Key).ConfigureAwait(false);
                var scope = created.Tenant is null ? "operator key" : $"key of tenant {created.Tenant}";
                await cli.Error.WriteLineAsync($"Created {scope} {created.Id}, expiring {created.ExpiresAt:u} (shown this once)").ConfigureAwait(false);
                return ExitCodes.Success;
            }, ct).ConfigureAwait(false);
        });
        return create;
    }

    private static Command List(CliContext cli)
    {
        var tenant = TenantId("--tenant", "Only this tenant's keys (default: every key with an operator key, the key's own tenant's with a tenant key)");
        var command = new Command("list", "List API keys without their secrets: id, tenant, created, expires, description.") { tenant };
        command.SetAction((parsed, ct) => ApiCommand.RunAsync(parsed, cli, async (client, format) =>
        {
            var keys = new List<ApiKeyModel>();
            var tenantId = parsed.GetValue(tenant);
            try
            {
                await foreach (var key in client.ApiKeys.ListAllAsync(tenantId, ct: ct).ConfigureAwait(false)) keys.Add(key);
            }
            catch (ControlPlaneException e) when (e.Status == 403 && tenantId is null)
            {
                // A tenant key may not list every key, only its own tenant's.
                var own = await TenantOption.KeyTenantAsync(client, ct).ConfigureAwait(false);
                if (own is null) throw;
                keys.Clear();
                await foreach (var key in client.ApiKeys.ListAllAsync(own, ct: ct).ConfigureAwait(false)) keys.Add(key);
            }
            if (format == OutputFormat.Json) await ApiCommand.WriteJsonAsync(cli.Output, keys).ConfigureAwait(false);
            else if (keys.Count == 0) await cli.Output.WriteLineAsync("No API keys").ConfigureAwait(false);
            else await TextTable.WriteAsync(cli.Output, ["ID", "TENANT", "CREATED", "EXPIRES", "DESCRIPTION"], keys.Select(k => new[]
            {
                k.Id, k.Tenant ?? "(operator)", Time(k.CreatedAt), Time(k.ExpiresAt) + (k.Expired ? " (expired)" : ""), k.Description,
            })).ConfigureAwait(false);
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static Command Delete(CliContext cli)
    {
        var id = new Argument<string>("id") { Description = "The key's id: the 20 hex digits after 'fjk.' (as 'fjord api-key list' shows)" };
        var tenant = TenantId("--tenant", "Delete through this tenant's keys (default: any key with an operator key, the key's own tenant's with a tenant key)");
        var command = new Command("delete", "Delete an API key: it stops working at once.") { id, tenant };
        command.SetAction((parsed, ct) => ApiCommand.RunAsync(parsed, cli, async (client, format) =>
        {
            var keyId = parsed.GetRequiredValue(id);
            var tenantId = parsed.GetValue(tenant);
            bool deleted;
            try
            {
                deleted = await client.ApiKeys.DeleteAsync(keyId, tenantId, ct).ConfigureAwait(false);
            }
            catch (ControlPlaneException e) when (e.Status == 403 && tenantId is null)
            {
                var own = await TenantOption.KeyTenantAsync(client, ct).ConfigureAwait(false);
                if (own is null) throw;
                deleted = await client.ApiKeys.DeleteAsync(keyId, own, ct).ConfigureAwait(false);
            }
            if (!deleted)
            {
                await cli.Error.WriteLineAsync($"fjord: there is no API key {keyId}{(tenantId is null ? "" : " of tenant " + tenantId)}").ConfigureAwait(false);
                return ExitCodes.Failure;
            }
            if (format == OutputFormat.Json) await ApiCommand.WriteJsonAsync(cli.Output, new DeletedKey(keyId, "deleted")).ConfigureAwait(false);
            else await cli.Output.WriteLineAsync($"Deleted API key {keyId}").ConfigureAwait(false);
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static Option<string?> TenantId(string name, string description)
    {
        var option = new Option<string?>(name) { Description = description };
        option.Validators.Add(r =>
        {
            if (r.Tokens is [var token] && TenantNamespace.IdProblem(token.Value) is { } problem) r.AddError(problem);
        });
        return option;
    }

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm'Z'", CultureInfo.InvariantCulture);

    /// <summary>What <c>--output json</c> says of a delete.</summary>
    private sealed record DeletedKey(string Id, string State);
}
