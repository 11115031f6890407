namespace Fjord.Cli;

/// <summary><c>--output</c>: aligned text for people, or the API's JSON for scripts.</summary>
internal enum OutputFormat
{
    Table,
    Json,
}
