using System.Text;

namespace Fjord.Perf.Suite;

/// <summary>The suite's results as a Markdown table, ready for a PR description or docs.</summary>
internal static class MarkdownReport
{
    public static string Render(IReadOnlyList<SuiteRow> rows, string target, long numRecords, DateTimeOffset startedAt)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"## Fjord perf suite — {target}");
        sb.AppendLine();
        sb.AppendLine($"{numRecords} records per case, fresh topic per case, compression none, linger.ms 5; " +
                      $"started {startedAt:yyyy-MM-dd HH:mm:ss} UTC on {Environment.ProcessorCount} cores. " +
                      "MB = 2^20 bytes; latency = send call to delivery report.");
        sb.AppendLine();
        sb.AppendLine("| record | acks | partitions | produce rec/s | produce MB/s | avg ms | p50 ms | p95 ms | p99 ms | p99.9 ms | max ms | failed | consumed | consume rec/s | consume MB/s | first record ms | broker cores (produce) | broker cores (consume) |");
        sb.AppendLine("| ---: | :---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var r in rows)
        {
            var p = r.Produce;
            var l = p.Latency;
            var c = r.Consume;
            sb.AppendLine(
                $"| {r.Case.RecordSize} B | {p.Acks} | {p.Partitions} | {p.RecordsPerSec:0} | {p.MbPerSec:0.00} | " +
                $"{l.AvgMs:0.00} | {l.P50Ms:0.00} | {l.P95Ms:0.00} | {l.P99Ms:0.00} | {l.P999Ms:0.00} | {l.MaxMs:0.00} | {p.Failed} | " +
                $"{c.Records} | {c.RecordsPerSec:0} | {c.MbPerSec:0.00} | {c.FirstRecordMs:0} | {Cores(r.ProduceBrokerCores)} | {Cores(r.ConsumeBrokerCores)} |");
        }

        return sb.ToString();
    }

    private static string Cores(double? cores) => cores is { } value ? value.ToString("0.00") : "n/a";
}
