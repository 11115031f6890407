using Fjord.Perf.Cli;

namespace Fjord.Perf.Latency;

/// <summary>
/// One e2e-latency run: <see cref="NumRecords"/> measured records at <see cref="Rate"/> records/s,
/// after <see cref="WarmupRecords"/> that are sent the same way but not counted.
/// </summary>
internal sealed record E2eLatencyOptions(
    string Topic,
    int NumRecords,
    int WarmupRecords,
    long Rate,
    int RecordSize,
    int FetchWaitMaxMs,
    bool CreateTopic,
    short ReplicationFactor,
    TimeSpan Timeout)
{
    public static E2eLatencyOptions Read(ArgumentReader args) => new(
        Topic: args.RequiredString("topic"),
        NumRecords: args.Int("num-records", 2000, min: 1),
        WarmupRecords: args.Int("warmup-records", 100, min: 0),
        Rate: args.Long("rate", 200, min: 1),
        RecordSize: args.Int("record-size", 100, min: TimestampPayload.Size),
        FetchWaitMaxMs: args.Int("fetch-wait-max-ms", 500, min: 0),
        CreateTopic: args.Flag("create-topic"),
        ReplicationFactor: (short)args.Int("replication-factor", 1, min: 1),
        Timeout: TimeSpan.FromSeconds(args.Int("timeout-sec", 30, min: 1)));
}
