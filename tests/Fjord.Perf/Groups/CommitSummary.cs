using Fjord.Perf.Produce;

namespace Fjord.Perf.Groups;

/// <summary>
/// OffsetCommit latency (synchronous Commit call to its return) for one partition per commit and
/// for every partition per commit; <see cref="Failed"/> counts commits that threw.
/// </summary>
internal sealed record CommitSummary(
    string Topic,
    string Group,
    int Partitions,
    int Commits,
    LatencySummary OnePartition,
    LatencySummary AllPartitions,
    int Failed,
    string? FirstError);
