using System.CommandLine;
using Fjord.ControlPlane.Client;
using Fjord.Security.Tenancy;

namespace Fjord.Cli;

/// <summary>
/// <c>--tenant</c> of the commands on a tenant's resources. It may be left out with a tenant-scoped key: that key can
/// only act on its own tenant, so the CLI asks the control plane which one it is.
/// </summary>
internal static class TenantOption
{
    public static Option<string?> Create()
    {
        var option = new Option<string?>("--tenant", "-t") { Description = "The tenant (may be left out with a tenant-scoped API key: its own tenant)" };
        option.Validators.Add(r =>
        {
            if (r.Tokens is [var token] && TenantNamespace.IdProblem(token.Value) is { } problem) r.AddError(problem);
        });
        return option;
    }

    /// <returns>The tenant given, or the key's own; null (with the reason written to stderr) when neither is known.</returns>
    public static async Task<string?> ResolveAsync(ParseResult parsed, Option<string?> option, ControlPlaneClient client, CliContext cli, CancellationToken ct)
    {
        if (parsed.GetValue(option) is { } given) return given;
        if (await KeyTenantAsync(client, ct).ConfigureAwait(false) is { } own) return own;
        await cli.Error.WriteLineAsync("fjord: --tenant is required: this API key is an operator key (only a tenant-scoped key implies its tenant)").ConfigureAwait(false);
        return null;
    }

    /// <summary>The tenant of a tenant-scoped key; null for an operator key.</summary>
    public static async Task<string?> KeyTenantAsync(ControlPlaneClient client, CancellationToken ct)
    {
        // A tenant key lists exactly its own tenant; an operator key may list them all, so one tenant alone proves
        // nothing: only a tenant key is refused the list of every API key.
        var tenants = await client.Tenants.ListPageAsync(2, null, ct).ConfigureAwait(false);
        if (tenants.Items is not [var only] || tenants.Next is not null) return null;
        try
        {
            await client.ApiKeys.ListPageAsync(null, 1, null, ct).ConfigureAwait(false);
            return null;
        }
        catch (ControlPlaneException e) when (e.Status == 403)
        {
            return only.Id;
        }
    }
}
