using System.CommandLine;
using System.Net;
using System.Text.Json;
using Fjord.ControlPlane.Client;

namespace Fjord.Cli;

/// <summary>
/// Runs a command against the control plane: finds the URL and key, calls, and turns what can go wrong into a message
/// on stderr and an exit code (2 when the request itself was wrong, 1 when it was refused or failed).
/// </summary>
internal static class ApiCommand
{
    public static async Task<int> RunAsync(ParseResult parsed, CliContext cli, Func<ControlPlaneClient, OutputFormat, Task<int>> operation, CancellationToken ct)
    {
        var (target, problem) = ApiTarget.Resolve(parsed.GetValue(cli.Options.ApiUrl), parsed.GetValue(cli.Options.ApiKey), cli.Environment);
        if (target is null)
        {
            await cli.Error.WriteLineAsync($"fjord: {problem}").ConfigureAwait(false);
            return ExitCodes.Usage;
        }
        using var client = new ControlPlaneClient(target.Url, target.Key);
        try
        {
            return await operation(client, parsed.GetValue(cli.Options.Output)).ConfigureAwait(false);
        }
        catch (ControlPlaneException e)
        {
            await cli.Error.WriteLineAsync($"fjord: {e.Detail}").ConfigureAwait(false);
            if (e.Status == (int)HttpStatusCode.Unauthorized)
                await cli.Error.WriteLineAsync($"fjord: the key came from {target.KeySource}").ConfigureAwait(false);
            return e.Status is (int)HttpStatusCode.BadRequest or (int)HttpStatusCode.UnprocessableEntity ? ExitCodes.Usage : ExitCodes.Failure;
        }
        catch (HttpRequestException e)
        {
            await cli.Error.WriteLineAsync($"fjord: the control plane at {target.Url} is unreachable: {FirstLine(e.InnerException?.Message ?? e.Message)}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            await cli.Error.WriteLineAsync($"fjord: the control plane at {target.Url} did not answer in time").ConfigureAwait(false);
            return ExitCodes.Failure;
        }
        catch (OperationCanceledException)
        {
            await cli.Error.WriteLineAsync("fjord: cancelled").ConfigureAwait(false);
            return ExitCodes.Failure;
        }
    }

    public static Task WriteJsonAsync(TextWriter output, object value) =>
        output.WriteLineAsync(JsonSerializer.Serialize(value, value.GetType(), ControlPlaneJson.Indented));

    public static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();
}
