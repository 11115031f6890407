using System.Text.Json;
using System.Text.Json.Serialization;
using Fjord.Perf.Consume;
using Fjord.Perf.Fetch;
using Fjord.Perf.Groups;
using Fjord.Perf.Latency;
using Fjord.Perf.Produce;
using Fjord.Perf.Suite;

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
        WriteBrokerCpu(s.BrokerCpu);
        if (json)
            Console.WriteLine(JsonSerializer.Serialize(new { type = "produce", result = s }, Json));
    }

    public static void Write(ConsumeSummary s, bool json)
    {
        Console.WriteLine(
            $"{s.Records} records consumed, {s.RecordsPerSec:0.0} records/sec ({s.MbPerSec:0.00} MB/sec), " +
            $"{s.ElapsedSec:0.000} s elapsed, {s.FirstRecordMs:0.0} ms to first record, " +
            $"fetch {s.FetchRecordsPerSec:0.0} records/sec ({s.FetchMbPerSec:0.00} MB/sec).");
        WriteBrokerCpu(s.BrokerCpu);
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

    public static void Write(FetchManySummary s, bool json)
    {
        Console.WriteLine(
            $"{s.Partitions} partitions, one new record each per round: {s.Rounds:0.0} rounds in {s.WindowSec:0.000} s measured " +
            $"({s.RoundsRun} run), {s.RoundsPerSec:0.0} rounds/sec, {s.FetchRequests} Fetch requests, " +
            $"{s.FetchRequestsPerSec:0.0} Fetch requests/sec, {s.FetchRequestsPerRound:0.00} per round.");
        if (s.BrokerCpu is { } cpu)
        {
            WriteBrokerCpu(cpu);
            Console.WriteLine($"broker CPU {s.BrokerCpuMsPerRound:0.000} ms per round, {s.BrokerCpuMsPerFetch:0.000} ms per Fetch request (produce of the rounds included).");
        }

        if (json)
            Console.WriteLine(JsonSerializer.Serialize(new { type = "fetch-many", result = s }, Json));
    }

    public static void Write(E2eLatencySummary s, bool json)
    {
        var l = s.Latency;
        Console.WriteLine(
            $"{s.Records} records produce-to-consume at {s.RatePerSec:0} records/sec: {l.AvgMs:0.00} ms avg, " +
            $"{l.P50Ms:0.00} ms 50th, {l.P95Ms:0.00} ms 95th, {l.P99Ms:0.00} ms 99th, {l.P999Ms:0.00} ms 99.9th, {l.MaxMs:0.00} ms max.");
        if (s.Missing > 0)
            Console.WriteLine($"{s.Missing} records were never seen by the consumer.");
        if (json)
            Console.WriteLine(JsonSerializer.Serialize(new { type = "e2e-latency", result = s }, Json));
    }

    public static void WriteBrokerCpu(BrokerCpu? cpu)
    {
        if (cpu is null)
            return;
        var perGb = cpu.SecPerGb is { } g ? $"{g:0.00} CPU s/GB" : "no bytes moved";
        Console.WriteLine(
            $"broker CPU: {cpu.CpuSec:0.00} s (user {cpu.UserSec:0.00} s, kernel {cpu.SystemSec:0.00} s) " +
            $"over {cpu.WallSec:0.00} s = {cpu.Cores:0.00} cores; {perGb}.");
    }

    public static void WriteJson<T>(string type, T result) =>
        Console.WriteLine(JsonSerializer.Serialize(new { type, result }, Json));
}
