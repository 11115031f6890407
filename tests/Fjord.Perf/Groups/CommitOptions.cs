using Fjord.Perf.Cli;

namespace Fjord.Perf.Groups;

/// <summary>
/// One OffsetCommit latency run: <see cref="NumCommits"/> synchronous commits of one partition's
/// offset, then as many committing every partition at once. Without <see cref="Group"/> a fresh
/// group id is used, so no earlier member or offset interferes.
/// </summary>
internal sealed record CommitOptions(
    string Topic,
    int Partitions,
    int NumCommits,
    string? Group,
    bool CreateTopic,
    short ReplicationFactor,
    TimeSpan Timeout)
{
    public static CommitOptions Read(ArgumentReader args) => new(
        Topic: args.RequiredString("topic"),
        Partitions: args.Int("partitions", 1, min: 1),
        NumCommits: args.Int("num-commits", 2_000, min: 1),
        Group: args.OptionalString("group"),
        CreateTopic: args.Flag("create-topic"),
        ReplicationFactor: (short)args.Int("replication-factor", 1, min: 1),
        Timeout: TimeSpan.FromSeconds(args.Int("timeout-sec", 30, min: 1)));

    public string GroupOrFresh() => Group ?? $"fjord-perf-commit-{Guid.NewGuid():N}";
}
