using Fjord.Cli;

namespace Fjord.ControlPlane.Tests.Cli;

/// <summary>
/// Runs <c>fjord</c> in-process against one control plane with its own environment (never the process's), with
/// XDG_CONFIG_HOME in <paramref name="configHome"/>, so no run reads or writes the real user's login.
/// </summary>
public sealed class CliRunner(Uri apiUrl, string apiKey, string configHome)
{
    public sealed record Run(int ExitCode, string Output, string Error)
    {
        public override string ToString() => $"exit {ExitCode}\nstdout: {Output}\nstderr: {Error}";
    }

    /// <summary>Runs with the endpoint and key in FJORD_API_URL/FJORD_API_KEY (<paramref name="key"/> instead of the runner's when given).</summary>
    public async Task<Run> RunAsync(string? key, IReadOnlyDictionary<string, string>? extra, CancellationToken ct, params string[] args)
    {
        var environment = new Dictionary<string, string>
        {
            ["XDG_CONFIG_HOME"] = configHome,
            [CliEnvironment.ApiUrlVariable] = apiUrl.ToString(),
            [CliEnvironment.ApiKeyVariable] = key ?? apiKey,
        };
        foreach (var (name, value) in extra ?? new Dictionary<string, string>()) environment[name] = value;
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await FjordCli.RunAsync(args, output, error, new CliEnvironment(n => environment.GetValueOrDefault(n)), ct);
        return new Run(code, output.ToString(), error.ToString());
    }

    public Task<Run> RunAsync(CancellationToken ct, params string[] args) => RunAsync(null, null, ct, args);

    public static Dictionary<string, string> ReadProperties(string file) =>
        File.ReadAllLines(file).Where(l => !l.StartsWith('#')).Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
}
