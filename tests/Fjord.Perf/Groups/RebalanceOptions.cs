using Fjord.Perf.Cli;

namespace Fjord.Perf.Groups;

/// <summary>
/// One rebalance run: <see cref="Members"/> consumers share <see cref="Topic"/>; each of
/// <see cref="Rounds"/> rounds closes one member and adds one back. The session and heartbeat
/// intervals are the ones the measurement depends on (survivors learn of a rebalance on their next
/// heartbeat), so they are fixed, not options: 10 s and 1 s.
/// </summary>
internal sealed record RebalanceOptions(
    string Topic,
    int Partitions,
    int Members,
    int Rounds,
    string? Group,
    bool CreateTopic,
    short ReplicationFactor,
    TimeSpan Timeout)
{
    public const int SessionTimeoutMs = 10_000;
    public const int HeartbeatIntervalMs = 1_000;

    public static RebalanceOptions Read(ArgumentReader args)
    {
        var options = new RebalanceOptions(
            Topic: args.RequiredString("topic"),
            Partitions: args.Int("partitions", 6, min: 1),
            Members: args.Int("members", 3, min: 2),
            Rounds: args.Int("rounds", 5, min: 1),
            Group: args.OptionalString("group"),
            CreateTopic: args.Flag("create-topic"),
            ReplicationFactor: (short)args.Int("replication-factor", 1, min: 1),
            Timeout: TimeSpan.FromSeconds(args.Int("timeout-sec", 60, min: 1)));
        return options;
    }

    public string GroupOrFresh() => Group ?? $"fjord-perf-rebalance-{Guid.NewGuid():N}";
}
