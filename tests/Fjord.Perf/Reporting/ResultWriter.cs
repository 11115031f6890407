using System.Text.Json;
using System.Text.Json.Serialization;
using Fjord.Perf.Consume;
using Fjord.Perf.Groups;
using Fjord.Perf.Produce;

namespace Fjord.Perf.Reporting;

/// <summary>
/// Results go to stdout (progress goes to stderr): a human line in kafka-*-perf-test's shape and,
/// with --json, one JSON object per line that scripts can parse.
/// </summary>
internal static class ResultWriter
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static void Write(ProduceSummary s, bool json)
    {
        var l = s.Latency;
        Console.WriteLine(
            $"{s.Records} records sent, {s.RecordsPerSec:0.0} records/sec ({s.MbPerSec:0.00} MB/sec), " +
            $"{l.AvgMs:0.00} ms avg latency, {l.MaxMs:0.00} ms max latency, " +
            $"{l.P50Ms:0.00} ms 50th, {l.P95Ms:0.00} ms 95th, {l.P99Ms:0.00} ms 99th, {l.P999Ms:0.00} ms 99.9th.");
        if (s.Failed > 0)
            Console.WriteLine($"{s.Failed} records FAILED; first error: {s.FirstError}");
        if (json)
            Console.WriteLine(JsonSerializer.Serialize(new { type = "produce", result = s }, Json));
    }

    public static void Write(ConsumeSummary s, bool json)
    {
        Console.WriteLine(
            $"{s.Records} records consumed, {s.RecordsPerSec:0.0} records/sec ({s.MbPerSec:0.00} MB/sec), " +
            $"{s.ElapsedSec:0.000} s elapsed, {s.FirstRecordMs:0.0} ms to first record, " +
            $"fetch {s.FetchRecordsPerSec:0.0} records/sec ({s.FetchMbPerSec:0.00} MB/sec).");
        if (json)
            Console.WriteLine(JsonSerializer.Serialize(new { type = "consume", result = s }, Json));
    }

    public static void Write(CommitSummary s, bool json)
    {
        WriteCommitLine($"{s.Commits} commits of 1 partition", s.OnePartition);
        WriteCommitLine($"{s.Commits} commits of all {s.Partitions} partition(s)", s.AllPartitions);
        if (s.Failed > 0)
            Console.WriteLine($"{s.Failed} commits FAILED; first error: {s.FirstError}");
        if (json)
            Console.WriteLine(JsonSerializer.Serialize(new { type = "commit", result = s }, Json));
    }

    public static void Write(RebalanceSummary s, bool json)
    {
        foreach (var r in s.Rounds)
        {
            Console.WriteLine(
                $"round {r.Round}: member left, partitions reassigned in {r.AssignedMs:0.0} ms, group Stable in {r.StableMs:0.0} ms; " +
                $"member joined, group Stable in {r.RejoinMs:0.0} ms.");
        }

        Console.WriteLine(
            $"{s.Rounds.Count} rounds, {s.Members} members, {s.Partitions} partitions: leave to Stable median {s.LeaveMedianMs:0.0} ms, max {s.LeaveMaxMs:0.0} ms; " +
            $"join to Stable median {s.RejoinMedianMs:0.0} ms, max {s.RejoinMaxMs:0.0} ms; initial join {s.InitialJoinMs:0.0} ms.");
        if (json)
            Console.WriteLine(JsonSerializer.Serialize(new { type = "rebalance", result = s }, Json));
    }

    private static void WriteCommitLine(string what, LatencySummary l) =>
        Console.WriteLine(
            $"{what}: {l.AvgMs:0.00} ms avg, {l.P50Ms:0.00} ms 50th, {l.P95Ms:0.00} ms 95th, " +
            $"{l.P99Ms:0.00} ms 99th, {l.P999Ms:0.00} ms 99.9th, {l.MaxMs:0.00} ms max.");

    public static void WriteJson<T>(string type, T result) =>
        Console.WriteLine(JsonSerializer.Serialize(new { type, result }, Json));
}
