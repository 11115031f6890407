using System.CommandLine;

namespace Fjord.Cli;

/// <summary>The options every command takes: where the control plane is, the key, and how to print.</summary>
internal sealed class GlobalOptions
{
    public Option<string?> ApiUrl { get; } = new("--api-url")
    {
        Description = $"The control plane's URL (default: ${CliEnvironment.ApiUrlVariable}, the 'fjord login' config, or $FJORD_HOME/{CliEnvironment.LocalControlPlaneFile})",
        Recursive = true,
    };

    public Option<string?> ApiKey { get; } = new("--api-key")
    {
        Description = $"The API key to call it with (default: ${CliEnvironment.ApiKeyVariable}, then as for --api-url)",
        Recursive = true,
    };

    public Option<OutputFormat> Output { get; } = CreateOutput();

    private static Option<OutputFormat> CreateOutput()
    {
        var option = new Option<OutputFormat>("--output", "-o")
        {
            Description = "table (default) or json",
            Recursive = true,
            DefaultValueFactory = _ => OutputFormat.Table,
        };
        option.AcceptOnlyFromAmong("table", "json");
        return option;
    }
}
