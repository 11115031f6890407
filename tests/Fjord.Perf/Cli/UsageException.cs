namespace Fjord.Perf.Cli;

/// <summary>The command line is wrong: the tool prints the message and the usage, and exits with code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
