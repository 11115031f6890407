using System.CommandLine;

namespace Fjord.Cli;

/// <summary>The <c>fjord</c> command line: parses, reports usage errors with exit code 2, and runs the command.</summary>
internal static class FjordCli
{
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken ct) =>
        RunAsync(args, output, error, CliEnvironment.Process, ct);

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CliEnvironment environment, CancellationToken ct)
    {
        var options = new GlobalOptions();
        var cli = new CliContext(output, error, environment, options);
        var root = new RootCommand("Fjord operator tool: tenants, topics, users, ACLs and API keys through the control plane's HTTP API.")
        {
            options.ApiUrl,
            options.ApiKey,
            options.Output,
            LoginCommand.Build(cli),
            TenantCommands.Build(cli),
            ApiKeyCommands.Build(cli),
            TopicCommands.Build(cli),
            UserCommands.Build(cli),
            AclCommands.Build(cli),
            ClusterCommands.Build(cli),
            GroupCommands.Build(cli),
            CertificateCommands.Build(cli),
        };
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var problem in parsed.Errors)
                await error.WriteLineAsync($"fjord: {problem.Message}").ConfigureAwait(false);
            var path = string.Join(' ', CommandPath(parsed).Prepend("fjord"));
            await error.WriteLineAsync($"Run '{path} --help' for usage.").ConfigureAwait(false);
            return ExitCodes.Usage;
        }
        return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, ct).ConfigureAwait(false);
    }

    private static List<string> CommandPath(ParseResult parsed)
    {
        var names = new List<string>();
        for (var result = parsed.CommandResult; result.Parent is System.CommandLine.Parsing.CommandResult parent; result = parent)
            names.Insert(0, result.Command.Name);
        return names;
    }
}
