using Fjord.Perf.Cli;
using Fjord.Perf.Suite;

namespace Fjord.Perf.Fetch;

/// <summary>
/// One fetch-many run: a consumer assigned every partition of a wide topic, and rounds in which
/// each partition gets exactly one new record that the consumer must see before the next round.
/// </summary>
internal sealed record FetchManyOptions(
    string Topic,
    int Partitions,
    int Rounds,
    int WarmupRounds,
    int RecordSize,
    int FetchWaitMaxMs,
    bool CreateTopic,
    short ReplicationFactor,
    TimeSpan Timeout,
    int? BrokerPid)
{
    public static FetchManyOptions Read(ArgumentReader args) => new(
        Topic: args.RequiredString("topic"),
        Partitions: args.Int("partitions", 1000, min: 1),
        Rounds: args.Int("rounds", 300, min: 1),
        WarmupRounds: args.Int("warmup-rounds", 10, min: 1),
        RecordSize: args.Int("record-size", 100, min: 0),
        FetchWaitMaxMs: args.Int("fetch-wait-max-ms", 500, min: 0),
        CreateTopic: args.Flag("create-topic"),
        ReplicationFactor: (short)args.Int("replication-factor", 1, min: 1),
        Timeout: TimeSpan.FromSeconds(args.Int("timeout-sec", 60, min: 1)),
        BrokerPid: BrokerPidOption.Read(args));
}
