using System.CommandLine;
using System.Net;
using Fjord.ControlPlane.Client;

namespace Fjord.Cli;

/// <summary>
/// <c>fjord login --api-url URL --api-key KEY</c>: checks the key against the control plane, then keeps both in the
/// user's config (owner-only), so later commands need neither flag.
/// </summary>
internal static class LoginCommand
{
    public static Command Build(CliContext cli)
    {
        var command = new Command("login", "Check an API key against a control plane and remember both for later commands "
            + "($XDG_CONFIG_HOME/fjord/config.json, mode 0600).");
        command.SetAction(async (parsed, ct) =>
        {
            var url = parsed.GetValue(cli.Options.ApiUrl);
            var key = parsed.GetValue(cli.Options.ApiKey);
            if (string.IsNullOrWhiteSpace(url) || string.IsNullOrWhiteSpace(key))
            {
                await cli.Error.WriteLineAsync("fjord: login needs both --api-url and --api-key").ConfigureAwait(false);
                return ExitCodes.Usage;
            }
            if (cli.Environment.LoginConfigPath is not { } path)
            {
                await cli.Error.WriteLineAsync("fjord: no config folder: set XDG_CONFIG_HOME or HOME").ConfigureAwait(false);
                return ExitCodes.Usage;
            }
            var (target, problem) = ApiTarget.Resolve(url, key, cli.Environment);
            if (target is null)
            {
                await cli.Error.WriteLineAsync($"fjord: {problem}").ConfigureAwait(false);
                return ExitCodes.Usage;
            }
            using var client = new ControlPlaneClient(target.Url, target.Key);
            try
            {
                // Any key may list (a tenant key sees its own tenant), so this proves the key without changing anything.
                await client.Tenants.ListPageAsync(1, null, ct).ConfigureAwait(false);
            }
            catch (ControlPlaneException e)
            {
                var why = e.Status == (int)HttpStatusCode.Unauthorized ? "refused the key" : $"answered {e.Status}";
                await cli.Error.WriteLineAsync($"fjord: the control plane at {target.Url} {why}: {e.Detail}; nothing was stored").ConfigureAwait(false);
                return ExitCodes.Failure;
            }
            catch (HttpRequestException e)
            {
                await cli.Error.WriteLineAsync($"fjord: the control plane at {target.Url} is unreachable: {ApiCommand.FirstLine(e.InnerException?.Message ?? e.Message)}; nothing was stored").ConfigureAwait(false);
                return ExitCodes.Failure;
            }
            try
            {
                new LoginConfig(target.Url.AbsoluteUri, target.Key).Write(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                await cli.Error.WriteLineAsync($"fjord: could not write {path}: {e.Message}").ConfigureAwait(false);
                return ExitCodes.Failure;
            }
            if (parsed.GetValue(cli.Options.Output) == OutputFormat.Json)
                await ApiCommand.WriteJsonAsync(cli.Output, new LoginModel(target.Url.AbsoluteUri, path)).ConfigureAwait(false);
            else
                await cli.Output.WriteLineAsync($"Logged in to {target.Url}; the key is kept in {path}").ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    private sealed record LoginModel(string ApiUrl, string Config);
}
