using System.CommandLine;
using System.Globalization;
using Fjord.ControlPlane.Client.Groups;

namespace Fjord.Cli;

/// <summary><c>fjord group list|lag --tenant &lt;id&gt;</c>: a tenant's consumer groups and a group's lag, through the control plane's API.</summary>
internal static class GroupCommands
{
    public static Command Build(CliContext cli)
    {
        var group = new Command("group", "List a tenant's consumer groups and show a group's lag and retention forecast.");
        group.Add(List(cli));
        group.Add(Lag(cli));
        return group;
    }

    private static Option<string> TenantOption() => new("--tenant") { Description = "The tenant whose groups to show", Required = true };

    private static Command List(CliContext cli)
    {
        var tenant = TenantOption();
        var command = new Command("list", "List the tenant's groups, active and inactive: state, members, total lag, earliest forecast loss.") { tenant };
        command.SetAction((parsed, ct) => ApiCommand.RunAsync(parsed, cli, async (client, format) =>
        {
            var groups = new List<GroupSummaryModel>();
            await foreach (var g in client.Groups.ListAllAsync(parsed.GetRequiredValue(tenant), ct: ct).ConfigureAwait(false)) groups.Add(g);
            if (format == OutputFormat.Json)
            {
                await ApiCommand.WriteJsonAsync(cli.Output, groups).ConfigureAwait(false);
                return ExitCodes.Success;
            }
            if (groups.Count == 0)
            {
                await cli.Output.WriteLineAsync("No groups").ConfigureAwait(false);
                return ExitCodes.Success;
            }
            await WriteTableAsync(cli.Output, ["GROUP", "STATE", "MEMBERS", "PARTITIONS", "LAG", "LAG SECONDS", "FORECAST"],
                groups.Select(g => new[]
                {
                    g.Group, g.State, Number(g.Members), g.Partitions.ToString(CultureInfo.InvariantCulture), Number(g.TotalLag), Seconds(g.MaxLagSeconds, false),
                    Forecast(g.EarliestForecast),
                })).ConfigureAwait(false);
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static Command Lag(CliContext cli)
    {
        var tenant = TenantOption();
        var id = new Argument<string>("group") { Description = "The group id, as the tenant's consumers name it" };
        var command = new Command("lag", "Show a group's lag per partition (records and seconds), rates, and when retention will start deleting unread records.")
        {
            id, tenant,
        };
        command.SetAction((parsed, ct) => ApiCommand.RunAsync(parsed, cli, async (client, format) =>
        {
            var groupId = parsed.GetRequiredValue(id);
            var tenantId = parsed.GetRequiredValue(tenant);
            if (await client.Groups.GetLagAsync(tenantId, groupId, ct).ConfigureAwait(false) is not { } lag)
            {
                await cli.Error.WriteLineAsync($"fjord: Group {groupId} of tenant {tenantId} does not exist").ConfigureAwait(false);
                return ExitCodes.Failure;
            }
            if (format == OutputFormat.Json)
            {
                await ApiCommand.WriteJsonAsync(cli.Output, lag).ConfigureAwait(false);
                return ExitCodes.Success;
            }
            await cli.Output.WriteLineAsync($"Group {lag.Group} ({lag.State}, {Number(lag.Members)} members): lag {Number(lag.TotalLag)} records, "
                + $"up to {Seconds(lag.MaxLagSeconds, false)} s; forecast: {Forecast(lag.EarliestForecast)}"
                + (lag.EarliestForecastTopic is { } topic ? $" ({topic}-{lag.EarliestForecastPartition})" : "")).ConfigureAwait(false);
            await WriteTableAsync(cli.Output, ["TOPIC", "PARTITION", "COMMITTED", "END", "LAG", "LAG SECONDS", "PRODUCE/S", "CONSUME/S", "FORECAST"],
                lag.Partitions.Select(p => new[]
                {
                    p.Topic, p.Partition.ToString(CultureInfo.InvariantCulture), p.CommittedOffset.ToString(CultureInfo.InvariantCulture), Number(p.LogEndOffset),
                    Number(p.Lag), Seconds(p.LagSeconds, p.LagSecondsIsLowerBound), Rate(p.ProduceRate), Rate(p.ConsumeRate), Forecast(p.Forecast),
                })).ConfigureAwait(false);
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static async Task WriteTableAsync(TextWriter output, string[] header, IEnumerable<string[]> body)
    {
        var rows = body.Prepend(header).ToList();
        var widths = Enumerable.Range(0, header.Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        foreach (var row in rows)
            await output.WriteLineAsync(string.Join("  ", row.Select((cell, c) => c == row.Length - 1 ? cell : cell.PadRight(widths[c]))).TrimEnd()).ConfigureAwait(false);
    }

    private static string Number(long? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "-";

    private static string Number(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "-";

    private static string Seconds(double? value, bool lowerBound) =>
        value is { } s ? (lowerBound ? "≥" : "") + s.ToString("0.#", CultureInfo.InvariantCulture) : "-";

    private static string Rate(double? value) => value?.ToString("0.##", CultureInfo.InvariantCulture) ?? "-";

    /// <summary>never; unknown; losing now (N records lost); or the time and how far off it is, with the limit that causes it.</summary>
    internal static string Forecast(RetentionForecastModel forecast) => forecast.Status switch
    {
        "losing" => $"losing now ({forecast.LostRecords} records deleted unread)",
        "expected" when forecast.At is { } at => $"loss at {at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)}Z "
            + $"(in {Span(forecast.InSeconds ?? 0)}, {forecast.Limit})",
        _ => forecast.Status,
    };

    private static string Span(double seconds)
    {
        var span = TimeSpan.FromSeconds(Math.Min(seconds, TimeSpan.MaxValue.TotalSeconds - 1));
        if (span.TotalDays >= 1) return $"{(int)span.TotalDays}d {span.Hours}h";
        if (span.TotalHours >= 1) return $"{(int)span.TotalHours}h {span.Minutes}m";
        if (span.TotalMinutes >= 1) return $"{(int)span.TotalMinutes}m {span.Seconds}s";
        return $"{span.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)}s";
    }
}
