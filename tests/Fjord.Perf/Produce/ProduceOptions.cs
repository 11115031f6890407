using Confluent.Kafka;
using Fjord.Perf.Cli;
using Fjord.Perf.Suite;

namespace Fjord.Perf.Produce;

/// <summary>The knobs of one produce run; names follow kafka-producer-perf-test and the producer configs.</summary>
internal sealed record ProduceOptions(
    string Topic,
    int Partitions,
    int RecordSize,
    long NumRecords,
    Acks Acks,
    CompressionType Compression,
    double LingerMs,
    int BatchSize,
    long Throughput,
    bool CreateTopic,
    short ReplicationFactor,
    TimeSpan Timeout,
    int? BrokerPid = null,
    bool EnableIdempotence = false,
    int? MaxInFlight = null,
    string? TransactionalId = null,
    int TransactionRecords = 0)
{
    public static readonly IReadOnlyDictionary<string, Acks> AcksChoices = new Dictionary<string, Acks>
    {
        ["0"] = Acks.None,
        ["1"] = Acks.Leader,
        ["all"] = Acks.All,
        ["-1"] = Acks.All,
    };

    public static readonly IReadOnlyDictionary<string, CompressionType> CompressionChoices = new Dictionary<string, CompressionType>
    {
        ["none"] = CompressionType.None,
        ["gzip"] = CompressionType.Gzip,
        ["snappy"] = CompressionType.Snappy,
        ["lz4"] = CompressionType.Lz4,
        ["zstd"] = CompressionType.Zstd,
    };

    /// <summary>Records are indexed by int in preallocated arrays (8 bytes of latency state per record).</summary>
    public const long MaxRecords = int.MaxValue - 64;

    public static ProduceOptions Read(ArgumentReader args) => new(
        Topic: args.RequiredString("topic"),
        Partitions: args.Int("partitions", 1, min: 1),
        RecordSize: args.Int("record-size", 100, min: 0),
        NumRecords: args.Long("num-records", 1_000_000, min: 1) is var n && n <= MaxRecords
            ? n : throw new UsageException($"--num-records must be <= {MaxRecords}"),
        Acks: args.Choice("acks", Acks.All, AcksChoices),
        Compression: args.Choice("compression", CompressionType.None, CompressionChoices),
        LingerMs: args.Int("linger-ms", 5, min: 0),
        BatchSize: args.Int("batch-size", 1_000_000, min: 1),
        Throughput: args.Long("throughput", -1),
        CreateTopic: args.Flag("create-topic"),
        ReplicationFactor: (short)args.Int("replication-factor", 1, min: 1),
        Timeout: TimeSpan.FromSeconds(args.Int("timeout-sec", 30, min: 1)),
        BrokerPid: BrokerPidOption.Read(args),
        EnableIdempotence: args.Flag("enable-idempotence"),
        MaxInFlight: args.Int("max-in-flight", 0, min: 0) is > 0 and var inFlight ? inFlight : null,
        TransactionalId: args.OptionalString("transactional-id"),
        TransactionRecords: args.Int("transaction-records", 100, min: 1));

    public static string AcksName(Acks acks) => acks switch
    {
        Acks.None => "0",
        Acks.Leader => "1",
        _ => "all",
    };
}
