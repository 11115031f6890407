using System.CommandLine;
using System.Globalization;
using Fjord.ControlPlane.Client.Cluster;

namespace Fjord.Cli;

/// <summary>
/// <c>fjord cluster status [--partitions]</c>: the cluster's verdict and reasons, the controller, every broker
/// (listeners, rack, state, heartbeat, partitions led and followed, Blob upload lag), partition counts and the Blob
/// tier's total lag; <c>--partitions</c> lists the unhealthy partitions. Exits 0 when the cluster is healthy or
/// degraded, <see cref="UnavailableExitCode"/> (3) when it is unavailable, so a script or probe can alert on it;
/// 1 and 2 keep their usual meanings (the call failed; the command line is wrong).
/// </summary>
internal static class ClusterCommands
{
    /// <summary>The cluster answered, and it is unavailable: some partitions have no live leader, or no broker is alive.</summary>
    public const int UnavailableExitCode = 3;

    public static Command Build(CliContext cli)
    {
        var cluster = new Command("cluster", "Facts about the cluster the control plane manages (operator keys).");
        cluster.Add(Status(cli));
        return cluster;
    }

    private static Command Status(CliContext cli)
    {
        var partitions = new Option<bool>("--partitions") { Description = "Also list every unhealthy partition (offline, under-replicated, under min ISR)" };
        var command = new Command("status", $"Brokers, controller, partition health and Blob upload lag, with a verdict. Exits {UnavailableExitCode} when the cluster is unavailable.") { partitions };
        command.SetAction((parsed, ct) => ApiCommand.RunAsync(parsed, cli, async (client, format) =>
        {
            var status = await client.Cluster.GetStatusAsync(parsed.GetValue(partitions), ct).ConfigureAwait(false);
            if (format == OutputFormat.Json)
                await ApiCommand.WriteJsonAsync(cli.Output, status).ConfigureAwait(false);
            else
                await WriteTableAsync(cli.Output, status).ConfigureAwait(false);
            return status.Health == ClusterHealthModel.Unavailable ? UnavailableExitCode : ExitCodes.Success;
        }, ct));
        return command;
    }

    private static async Task WriteTableAsync(TextWriter output, ClusterStatusModel status)
    {
        await output.WriteLineAsync($"Cluster: {status.Health.ToString().ToUpperInvariant()}").ConfigureAwait(false);
        foreach (var reason in status.Reasons)
            await output.WriteLineAsync($"  - {reason}").ConfigureAwait(false);
        await output.WriteLineAsync(status.Controller is { } controller
            ? $"Controller: broker {controller.NodeId}, epoch {controller.Epoch}{(controller.Alive ? "" : " (not alive)")}"
            : "Controller: none").ConfigureAwait(false);
        await output.WriteLineAsync().ConfigureAwait(false);

        string[] header = ["NODE", "STATE", "RACK", "HEARTBEAT", "LEADERS", "FOLLOWERS", "URP", "UPLOAD LAG", "VERSION", "ENDPOINTS"];
        var rows = status.Brokers.Select(b => new[]
        {
            b.NodeId.ToString(CultureInfo.InvariantCulture) + (b.IsController ? "*" : ""),
            State(b.State),
            b.Rack ?? "-",
            Seconds(b.HeartbeatAgeSeconds) + " ago",
            Count(b.LeaderPartitions),
            Count(b.FollowerPartitions),
            Count(b.UnderReplicatedPartitions),
            b.TierLag is null ? "-" : Lag(b.TierLag.Segments, b.TierLag.Bytes) + (b.StatusStale ? " (stale)" : ""),
            b.Version ?? "-",
            string.Join(',', b.Endpoints),
        }).Prepend(header).ToList();
        await WriteAlignedAsync(output, rows).ConfigureAwait(false);
        await output.WriteLineAsync("(* the controller)").ConfigureAwait(false);
        await output.WriteLineAsync().ConfigureAwait(false);

        var p = status.Partitions;
        await output.WriteLineAsync($"Partitions: {p.Total} in {p.Topics} topics; {p.UnderReplicated} under-replicated, {p.UnderMinIsr} under min ISR, {p.Offline} offline").ConfigureAwait(false);
        var tier = status.Tier;
        var oldest = tier.OldestWaitingSeconds is { } s ? $", oldest waiting {Seconds(s)}" : "";
        var failing = tier.FailingPartitions > 0 ? $"; uploads failing for {tier.FailingPartitions} partitions (last error {tier.LastErrorKind ?? "unknown"})" : "";
        var stale = tier.StaleBrokers.Count > 0 ? $"; not counted: brokers {string.Join(',', tier.StaleBrokers)} (no fresh status)" : "";
        await output.WriteLineAsync($"Blob upload lag: {Lag(tier.Segments, tier.Bytes)}{oldest}{failing}{stale}").ConfigureAwait(false);

        if (status.UnhealthyPartitions is { } unhealthy)
        {
            await output.WriteLineAsync().ConfigureAwait(false);
            if (unhealthy.Count == 0)
            {
                await output.WriteLineAsync("No unhealthy partitions").ConfigureAwait(false);
                return;
            }
            string[] partitionHeader = ["TOPIC", "PARTITION", "LEADER", "REPLICAS", "ISR", "MIN ISR", "PROBLEMS"];
            var partitionRows = unhealthy.Select(u => new[]
            {
                u.Topic, u.Partition.ToString(CultureInfo.InvariantCulture), u.Leader < 0 ? "none" : u.Leader.ToString(CultureInfo.InvariantCulture),
                string.Join(',', u.Replicas), string.Join(',', u.Isr), u.MinInsyncReplicas.ToString(CultureInfo.InvariantCulture),
                string.Join(',', u.Problems.Select(Problem)),
            }).Prepend(partitionHeader).ToList();
            await WriteAlignedAsync(output, partitionRows).ConfigureAwait(false);
        }
    }

    private static async Task WriteAlignedAsync(TextWriter output, List<string[]> rows)
    {
        var widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        foreach (var row in rows)
            await output.WriteLineAsync(string.Join("  ", row.Select((cell, c) => c == row.Length - 1 ? cell : cell.PadRight(widths[c]))).TrimEnd()).ConfigureAwait(false);
    }

    private static string State(BrokerStateModel state) => state switch
    {
        BrokerStateModel.Alive => "alive",
        BrokerStateModel.ShuttingDown => "shutting-down",
        _ => "fenced",
    };

    private static string Problem(PartitionProblemModel problem) => problem switch
    {
        PartitionProblemModel.Offline => "offline",
        PartitionProblemModel.UnderReplicated => "under-replicated",
        _ => "under-min-isr",
    };

    private static string Count(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "-";

    private static string Seconds(double seconds) => seconds.ToString(seconds < 10 ? "0.0" : "0", CultureInfo.InvariantCulture) + " s";

    private static string Lag(int segments, long bytes) =>
        $"{segments.ToString(CultureInfo.InvariantCulture)} segments, {Bytes(bytes)}";

    private static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 30 => (bytes / (double)(1L << 30)).ToString("0.0", CultureInfo.InvariantCulture) + " GiB",
        >= 1L << 20 => (bytes / (double)(1L << 20)).ToString("0.0", CultureInfo.InvariantCulture) + " MiB",
        >= 1L << 10 => (bytes / (double)(1L << 10)).ToString("0.0", CultureInfo.InvariantCulture) + " KiB",
        _ => bytes.ToString(CultureInfo.InvariantCulture) + " B",
    };
}
