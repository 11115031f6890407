using System.Globalization;
using System.Text;

namespace Fjord.Perf.NoisyNeighbour;

/// <summary>The run as Markdown: the loads, one row per window, and the verdict line with both p99s.</summary>
internal static class NoisyNeighbourReport
{
    public static string Render(NoisyNeighbourSummary s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var text = new StringBuilder();
        text.AppendLine(Invariant($"capacity (B's workload: {s.RecordSize} B records, acks=all, as fast as it goes): {s.CapacityRecordsPerSec:0} records/s = {s.CapacityMbPerSec:0.00} MB/s"));
        text.AppendLine(Invariant($"B steady: {s.SteadyRecordsPerSec:0} records/s = {s.SteadyMbPerSec:0.00} MB/s; A's tenant producer_byte_rate {s.QuotaMbPerSec:0.00} MB/s, A tries {s.NoisyTriedMbPerSec:0.00} MB/s; A first throttled {s.QuotaInForceAfterSec:0.0} s after it started"));
        text.AppendLine();
        text.AppendLine("| round | window | B records/s | B p50 ms | B p99 ms | B p99.9 ms | B max ms | A delivered MB/s (of quota) | A refused locally records/s | A throttled responses, avg / max ms | broker cores | tool cores | machine busy cores |");
        text.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var p in s.Phases)
        {
            var l = p.Steady.Latency;
            var a = p.Noisy is { } n
                ? Invariant($"{n.DeliveredMbPerSec:0.00} ({n.DeliveredOverQuota:0.00}x) | {n.RefusedRecordsPerSec:0} | {n.ThrottledResponses}, {n.ThrottleAvgMs:0} / {n.ThrottleMaxMs} |")
                : "- | - | - |";
            text.AppendLine(Invariant($"| {p.Round} | {p.Name} | {p.SteadyRecordsPerSec:0} | {l.P50Ms:0.00} | {l.P99Ms:0.00} | {l.P999Ms:0.00} | {l.MaxMs:0.00} | {a} {p.BrokerCores:0.00} | {p.ToolCores:0.00} | {p.MachineCores:0.00} |"));
        }

        text.AppendLine();
        var rounds = string.Join(", ", s.RoundRatios().Select(r => Invariant($"round {r.Round} {r.Ratio:0.00}")));
        text.AppendLine(Invariant($"B p99 alone {s.P99AloneMs:0.00} ms, with A {s.P99WithNoisyMs:0.00} ms (medians over the rounds): ratio {s.Ratio:0.00} (per round: {rounds}); target <= {s.TargetRatio:0.00}: {(s.TargetMet ? "met" : "MISSED")}"));
        if (s.SteadyNotDelivered > 0)
            text.AppendLine(Invariant($"B: {s.SteadyNotDelivered} measured records not delivered; first error: {s.SteadyFirstError}"));
        return text.ToString();
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
