using System.CommandLine;
using System.Globalization;
using Fjord.ControlPlane.Client.Usage;

namespace Fjord.Cli;

/// <summary><c>fjord tenant usage ID [--hours N]</c>: the tenant's hourly usage as the control plane's reconciler rolled it up.</summary>
internal static class TenantUsageCommand
{
    public const int MaxHours = 744;

    public static Command Build(CliContext cli)
    {
        var id = TenantCommands.IdArgument();
        var hours = new Option<int?>("--hours") { Description = $"How many hours back from now, 1 to {MaxHours} (default 24)" };
        hours.Validators.Add(r =>
        {
            if (TenantCommands.TryGetValue<int?>(r, out var value) && value is < 1 or > MaxHours) r.AddError($"--hours must be from 1 to {MaxHours}");
        });
        var command = new Command("usage", "Show a tenant's hourly usage: records in, retained bytes, partitions and topics.") { id, hours };
        command.SetAction((parsed, ct) => ApiCommand.RunAsync(parsed, cli, async (client, format) =>
        {
            var usage = await client.Usage.GetAsync(parsed.GetRequiredValue(id), parsed.GetValue(hours), ct).ConfigureAwait(false);
            await WriteAsync(cli, format, usage).ConfigureAwait(false);
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static async Task WriteAsync(CliContext cli, OutputFormat format, TenantUsageModel usage)
    {
        if (format == OutputFormat.Json)
        {
            await ApiCommand.WriteJsonAsync(cli.Output, usage).ConfigureAwait(false);
            return;
        }
        if (usage.Hours.Count == 0)
        {
            await cli.Output.WriteLineAsync($"No usage rolled up for tenant {usage.Tenant} since {usage.From:u} (the reconciler runs every 5 minutes).").ConfigureAwait(false);
            return;
        }
        await TextTable.WriteAsync(cli.Output, ["HOUR (UTC)", "RECORDS IN", "RETAINED BYTES", "PARTITIONS", "TOPICS"],
            usage.Hours.Select(h => (IReadOnlyList<string>)
            [
                h.Hour.UtcDateTime.ToString("yyyy-MM-dd HH:00", CultureInfo.InvariantCulture),
                h.RecordsIn.ToString(CultureInfo.InvariantCulture),
                h.RetainedBytes.ToString(CultureInfo.InvariantCulture),
                h.Partitions.ToString(CultureInfo.InvariantCulture),
                h.Topics.ToString(CultureInfo.InvariantCulture),
            ])).ConfigureAwait(false);
    }
}
