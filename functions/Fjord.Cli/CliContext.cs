namespace Fjord.Cli;

/// <summary>What every command writes to and reads from.</summary>
internal sealed record CliContext(TextWriter Output, TextWriter Error, CliEnvironment Environment, GlobalOptions Options);
